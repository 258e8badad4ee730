package org.bg2vec.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * submit/airflow/bg2vec_retrain.py compiles with python3 (Airflow itself is not installed: nothing imports
 * it), defines prepare -> train -> evaluate, and its properties reader gives exactly what Java's
 * Properties reads from conf/spark-gpu.conf (so the DAG submits the same GPU settings as the wrappers).
 */
class AirflowDagTest {

    private static final String DAG = "submit/airflow/bg2vec_retrain.py";

    @TempDir
    Path tmp;

    @BeforeEach
    void python() {
        assumeTrue(Shell.available("python3"), "python3 is not installed: Airflow DAG checks skipped");
    }

    private Shell.Result python(String code) throws IOException {
        return Shell.run(List.of("python3", "-c", code), Map.of("PYTHONPYCACHEPREFIX", tmp.toString()));
    }

    @Test
    void dagCompiles() throws IOException {
        Shell.Result r = Shell.run(List.of("python3", "-m", "py_compile", DAG),
                Map.of("PYTHONPYCACHEPREFIX", tmp.toString()));
        assertEquals(0, r.exit(), r.both());
    }

    @Test
    void dagRunsPrepareThenTrainThenEvaluateWithTheMatchingSubcommands() throws IOException {
        // the syntax tree, without importing airflow: task ids, first application argument, dependencies
        Shell.Result r = python("""
                import ast, json
                tree = ast.parse(open('%s', encoding='utf-8').read())
                tasks = {}
                chain = []
                for node in ast.walk(tree):
                    if isinstance(node, ast.Call) and getattr(node.func, 'id', '') == 'SparkSubmitOperator':
                        kw = {k.arg: k.value for k in node.keywords}
                        tasks[kw['task_id'].value] = kw['application_args'].elts[0].value
                    if isinstance(node, ast.Expr) and isinstance(node.value, ast.BinOp):
                        e = node.value
                        while isinstance(e, ast.BinOp) and isinstance(e.op, ast.RShift):
                            chain.insert(0, e.right.id)
                            e = e.left
                        chain.insert(0, e.id)
                print(json.dumps({'tasks': tasks, 'chain': chain}))
                """.formatted(DAG));
        assertEquals(0, r.exit(), r.both());
        JsonNode out = new ObjectMapper().readTree(r.stdout());
        assertEquals(Map.of("prepare", "prepare", "train", "train", "evaluate", "evaluate"),
                new ObjectMapper().convertValue(out.get("tasks"), Map.class));
        assertEquals(List.of("prepare", "train", "evaluate"),
                new ObjectMapper().convertValue(out.get("chain"), List.class));
    }

    @Test
    void dagReadsSparkGpuConfExactlyAsJavaPropertiesDo() throws IOException {
        Shell.Result r = python("""
                import ast, json
                tree = ast.parse(open('%s', encoding='utf-8').read())
                fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'load_spark_properties')
                ns = {}
                exec(compile(ast.Module(body=[fn], type_ignores=[]), 'dag', 'exec'), ns)
                print(json.dumps(ns['load_spark_properties']('conf/spark-gpu.conf')))
                """.formatted(DAG));
        assertEquals(0, r.exit(), r.both());
        Map<?, ?> fromPython = new ObjectMapper().readValue(r.stdout(), Map.class);

        Properties java = new Properties();
        try (Reader in = Files.newBufferedReader(Shell.ROOT.resolve("conf/spark-gpu.conf"), StandardCharsets.UTF_8)) {
            java.load(in);
        }
        assertEquals(new TreeMap<>(java), new TreeMap<>(fromPython));
    }
}
