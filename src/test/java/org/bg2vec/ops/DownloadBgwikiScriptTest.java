package org.bg2vec.ops;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * data-prep/download-bgwiki.sh against a local {@code file://} mirror laid out like dumps.wikimedia.org
 * (no network): downloads are verified against dumpstatus.json, re-runs skip verified files, and a
 * checksum mismatch or an unfinished dump is refused.
 */
class DownloadBgwikiScriptTest {

    private static final String DATE = "20250101";
    private static final String XML = "bgwiki-" + DATE + "-pages-articles-multistream.xml.bz2";
    private static final String INDEX = "bgwiki-" + DATE + "-pages-articles-multistream-index.txt.bz2";

    @TempDir
    Path tmp;
    private Path dumpDir;
    private Path out;

    @BeforeEach
    void mirror() throws IOException {
        assumeTrue((Shell.available("curl") || Shell.available("wget")) && Shell.available("sha1sum"),
                "curl/wget or sha1sum missing on this machine: download script test skipped");
        dumpDir = Files.createDirectories(tmp.resolve("mirror/bgwiki/" + DATE));
        Files.write(dumpDir.resolve(XML), "<mediawiki>pretend bz2 bytes</mediawiki>".getBytes(StandardCharsets.UTF_8));
        Files.write(dumpDir.resolve(INDEX), "600:5:Заглавие\n".getBytes(StandardCharsets.UTF_8));
        out = tmp.resolve("out");
    }

    private static String sha1(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private void status(String jobStatus, String xmlSha1, String indexSha1) throws IOException {
        long xmlSize = Files.size(dumpDir.resolve(XML));
        long indexSize = Files.size(dumpDir.resolve(INDEX));
        String json = "{\"jobs\": {\"articlesdump\": {\"status\": \"done\", \"files\": {\"bgwiki-" + DATE
                + "-pages-articles.xml.bz2\": {\"size\": 1, \"sha1\": \"" + "0".repeat(40) + "\"}}},\n"
                + " \"articlesmultistreamdump\": {\"status\": \"" + jobStatus + "\", \"updated\": \"2025-01-02 03:04:05\",\n"
                + "  \"files\": {\"" + XML + "\": {\"size\": " + xmlSize + ", \"url\": \"/bgwiki/" + DATE + "/" + XML
                + "\", \"md5\": \"x\"" + (xmlSha1 == null ? "" : ", \"sha1\": \"" + xmlSha1 + "\"") + "},\n"
                + "   \"" + INDEX + "\": {\"size\": " + indexSize + ", \"url\": \"/bgwiki/" + DATE + "/" + INDEX
                + "\", \"md5\": \"y\"" + (indexSha1 == null ? "" : ", \"sha1\": \"" + indexSha1 + "\"") + "}}}},\n"
                + " \"version\": \"0.8\"}\n";
        Files.writeString(dumpDir.resolve("dumpstatus.json"), json);
    }

    private Shell.Result download() throws IOException {
        return Shell.run(List.of("data-prep/download-bgwiki.sh", "--date", DATE, "--mirror",
                tmp.resolve("mirror").toUri().toString(), "--output", out.toString()), Map.of());
    }

    private String realSha1(String name) throws IOException {
        return sha1(Files.readAllBytes(dumpDir.resolve(name)));
    }

    @Test
    void downloadsAndVerifiesDumpAndIndexThenSkipsThemOnARerun() throws IOException {
        status("done", realSha1(XML), realSha1(INDEX));

        Shell.Result first = download();

        assertEquals(0, first.exit(), first.both());
        assertArrayEquals(Files.readAllBytes(dumpDir.resolve(XML)), Files.readAllBytes(out.resolve(XML)));
        assertArrayEquals(Files.readAllBytes(dumpDir.resolve(INDEX)), Files.readAllBytes(out.resolve(INDEX)));
        assertFalse(Files.exists(out.resolve(XML + ".part")));
        assertTrue(first.stderr().contains(XML + " verified (sha1 " + realSha1(XML) + ")"), first.stderr());

        Shell.Result second = download();
        assertEquals(0, second.exit(), second.both());
        assertTrue(second.stderr().contains(INDEX + " already verified"), second.stderr());
    }

    @Test
    void checksumMismatchKeepsNoCompleteLookingFile() throws IOException {
        status("done", realSha1(XML), "f".repeat(40));

        Shell.Result r = download();

        assertEquals(1, r.exit(), r.both());
        assertTrue(r.stderr().contains("SHA-1 mismatch for " + INDEX), r.stderr());
        assertFalse(Files.exists(out.resolve(INDEX)), "an unverified file must not get the final name");
        assertTrue(Files.exists(out.resolve(INDEX + ".bad")));
        assertTrue(Files.exists(out.resolve(XML)), "the verified dump stays");
    }

    @Test
    void unfinishedDumpIsRefusedBeforeDownloading() throws IOException {
        status("in-progress", null, null);

        Shell.Result r = download();

        assertEquals(1, r.exit(), r.both());
        assertTrue(r.stderr().contains("not 'done'") || r.stderr().contains("lists no SHA-1"), r.stderr());
        assertFalse(Files.exists(out), "nothing may be written for an unfinished dump");
    }

    @Test
    void dateIsRequired() throws IOException {
        Shell.Result r = Shell.run(List.of("data-prep/download-bgwiki.sh", "--output", out.toString()), Map.of());

        assertEquals(1, r.exit(), r.both());
        assertTrue(r.stderr().contains("--date YYYYMMDD is required"), r.stderr());
    }
}
