package org.bg2vec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Java sources under a root read as text: each file's package and the packages and classes its code
 * names (imports and fully qualified names; comments, strings and character literals are left out).
 * Used by {@link ArchitectureTest} to check the layering rules of src/site/markdown/architecture.md.
 */
final class SourceTree {

    /** Comments, text blocks, strings and character literals: whichever starts first wins. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "\"\"\"[\\s\\S]*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])+'|//[^\\n]*|/\\*[\\s\\S]*?\\*/");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern OWN_PACKAGE_REF = Pattern.compile("\\borg\\.bg2vec((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    /** One source file: its path, its package and its code without comments and literals. */
    record Source(Path path, String pkg, String code) {
    }

    private final List<Source> sources;

    private SourceTree(List<Source> sources) {
        this.sources = sources;
    }

    static SourceTree read(Path root) {
        List<Source> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java")).sorted()::iterator) {
                String code = NOT_CODE.matcher(Files.readString(p, StandardCharsets.UTF_8)).replaceAll(" ");
                Matcher m = PACKAGE.matcher(code);
                sources.add(new Source(root.relativize(p), m.find() ? m.group(1) : "", code));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sources under " + root, e);
        }
        return new SourceTree(sources);
    }

    List<Source> sources() {
        return sources;
    }

    /** Files outside {@code allowedPackage} (and its subpackages) whose code names {@code prefix}. */
    List<Path> filesNaming(String prefix, String allowedPackage) {
        Pattern named = Pattern.compile("\\b" + Pattern.quote(prefix) + "\\b");
        List<Path> found = new ArrayList<>();
        for (Source s : sources) {
            boolean allowed = s.pkg().equals(allowedPackage) || s.pkg().startsWith(allowedPackage + ".");
            if (!allowed && named.matcher(s.code()).find()) {
                found.add(s.path());
            }
        }
        return found;
    }

    /** Package → the other org.bg2vec packages its code names. */
    Map<String, Set<String>> packageDependencies() {
        Map<String, Set<String>> deps = new TreeMap<>();
        for (Source s : sources) {
            Set<String> to = deps.computeIfAbsent(s.pkg(), k -> new TreeSet<>());
            Matcher m = OWN_PACKAGE_REF.matcher(s.code());
            while (m.find()) {
                String pkg = "org.bg2vec" + m.group(1);
                if (!pkg.equals(s.pkg())) {
                    to.add(pkg);
                }
            }
        }
        return deps;
    }

    /** A cycle of package dependencies (first package repeated at the end), if there is one. */
    static Optional<List<String>> findCycle(Map<String, Set<String>> deps) {
        Map<String, Integer> state = new HashMap<>(); // absent = unvisited, 1 = on the path, 2 = done
        for (String start : deps.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            Optional<List<String>> cycle = visit(start, deps, state, path);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private static Optional<List<String>> visit(String pkg, Map<String, Set<String>> deps,
                                                Map<String, Integer> state, Deque<String> path) {
        Integer st = state.get(pkg);
        if (st != null && st == 2) {
            return Optional.empty();
        }
        if (st != null) {
            List<String> onPath = new ArrayList<>(path);
            List<String> cycle = new ArrayList<>(onPath.subList(onPath.indexOf(pkg), onPath.size()));
            cycle.add(pkg);
            return Optional.of(cycle);
        }
        state.put(pkg, 1);
        path.addLast(pkg);
        for (String next : deps.getOrDefault(pkg, Set.of())) {
            Optional<List<String>> cycle = visit(next, deps, state, path);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.removeLast();
        state.put(pkg, 2);
        return Optional.empty();
    }
}
