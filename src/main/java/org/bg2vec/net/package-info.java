/**
 * Helpers shared by bg2vec's own network endpoints (the collective's acceptor and sender, the progress
 * relay): rate-limited warnings about strangers and the handling of their background threads. Spark-free.
 */
package org.bg2vec.net;
