package org.bg2vec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layering rules of src/site/markdown/architecture.md, checked on the sources of src/main/java. */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java");

    @Test
    void onlyTheSparkPackageNamesSpark() {
        SourceTree tree = SourceTree.read(MAIN);
        assertTrue(tree.sources().size() > 100, "expected the project's sources under " + MAIN.toAbsolutePath());
        assertEquals(List.of(), tree.filesNaming("org.apache.spark", "org.bg2vec.spark"),
                "only org.bg2vec.spark may use Spark: move the Spark part into a driver there and pass the core plain values");
    }

    @Test
    void packagesHaveNoDependencyCycle() {
        Map<String, Set<String>> deps = SourceTree.read(MAIN).packageDependencies();
        assertTrue(deps.containsKey("org.bg2vec.train"), "expected the package org.bg2vec.train in " + deps.keySet());
        assertTrue(deps.get("org.bg2vec.spark").contains("org.bg2vec.train"), "spark drives train: " + deps);
        Optional<List<String>> cycle = SourceTree.findCycle(deps);
        assertEquals(Optional.empty(), cycle, "packages depend on each other in a cycle");
    }

    @Test
    void theChecksSeeAPlantedSparkImportAndCycle(@TempDir Path dir) throws IOException {
        write(dir, "org/bg2vec/a/A.java", """
                package org.bg2vec.a;
                import org.apache.spark.sql.Dataset; // a violation
                class A { org.bg2vec.b.B b; }
                """);
        write(dir, "org/bg2vec/b/B.java", """
                package org.bg2vec.b;
                /* org.apache.spark in a comment is no use of Spark */
                class B { String s = "org.apache.spark"; org.bg2vec.a.A a; }
                """);
        write(dir, "org/bg2vec/spark/S.java", """
                package org.bg2vec.spark;
                import org.apache.spark.sql.Dataset;
                import org.bg2vec.a.A;
                class S { }
                """);
        SourceTree tree = SourceTree.read(dir);
        assertEquals(List.of(Path.of("org/bg2vec/a/A.java")), tree.filesNaming("org.apache.spark", "org.bg2vec.spark"));
        Map<String, Set<String>> deps = tree.packageDependencies();
        assertEquals(Set.of("org.bg2vec.a"), deps.get("org.bg2vec.spark"));
        List<String> cycle = SourceTree.findCycle(deps).orElseThrow();
        assertEquals(cycle.get(0), cycle.get(cycle.size() - 1));
        assertEquals(Set.of("org.bg2vec.a", "org.bg2vec.b"), Set.copyOf(cycle));
        deps.get("org.bg2vec.b").clear();
        assertFalse(SourceTree.findCycle(deps).isPresent());
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
