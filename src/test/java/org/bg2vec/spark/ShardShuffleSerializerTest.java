package org.bg2vec.spark;

import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shard shuffle's serializer gives back the keys and samples written, and ends cleanly where Spark expects. */
class ShardShuffleSerializerTest {

    private static final ClassTag<Object> ANY = ClassTag$.MODULE$.Any();

    @Test
    void keyValueStreamsRoundTrip() throws Exception {
        SerializerInstance s = shipped(new ShardShuffleSerializer()).newInstance();
        Random r = new Random(5);
        List<ShardOrder.Key> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            keys.add(new ShardOrder.Key(r.nextLong(), r.nextLong(), r.nextInt(2)));
            byte[] b = new byte[i == 7 ? 0 : i == 8 ? 300_000 : r.nextInt(2000)];
            r.nextBytes(b);
            values.add(b);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SerializationStream out = s.serializeStream(bytes);
        for (int i = 0; i < keys.size(); i++) {
            out.writeKey(keys.get(i), ANY);
            out.writeValue(values.get(i), ANY);
        }
        out.close();
        DeserializationStream in = s.deserializeStream(new ByteArrayInputStream(bytes.toByteArray()));
        scala.collection.Iterator<Tuple2<Object, Object>> it = in.asKeyValueIterator();
        for (int i = 0; i < keys.size(); i++) {
            assertTrue(it.hasNext());
            Tuple2<Object, Object> kv = it.next();
            assertEquals(keys.get(i), kv._1());
            assertArrayEquals(values.get(i), (byte[]) kv._2());
        }
        assertFalse(it.hasNext(), "the end of the stream ends the records");

        ShardOrder.Key k = keys.get(3);
        assertEquals(k, s.deserialize(s.serialize(k, ANY), ANY));
    }

    @Test
    void otherRecordsAndCorruptDataAreClearErrors() {
        SerializerInstance s = new ShardShuffleSerializer().newInstance();
        SerializationStream out = s.serializeStream(new ByteArrayOutputStream());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> out.writeObject("x", ANY));
        assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
        DeserializationStream in = s.deserializeStream(new ByteArrayInputStream(new byte[]{9, 1, 2}));
        Exception c = assertThrows(RuntimeException.class, () -> in.readObject(ANY));
        assertTrue(c.getMessage().contains("record tag 9"), c.getMessage());
    }

    /** The serializer travels to the executors inside the shuffle dependency. */
    private static ShardShuffleSerializer shipped(ShardShuffleSerializer s) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(b)) {
            o.writeObject(s);
        }
        try (ObjectInputStream i = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
            return (ShardShuffleSerializer) i.readObject();
        }
    }
}
