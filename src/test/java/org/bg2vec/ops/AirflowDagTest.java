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
import static org.junit.jupiter.api.Assertions.assertTrue;
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
    void dagRunsPrepareThenTrainThenEvaluateWithTheMatchingSubcommandsAndMntpOnlyWhenAskedFor() throws IOException {
        // the syntax tree, without importing airflow: task ids, first application argument, dependencies
        Shell.Result r = python("""
                import ast, json
                tree = ast.parse(open('%s', encoding='utf-8').read())
                tasks = {}
                chains = []
                for node in ast.walk(tree):
                    if isinstance(node, ast.Call) and getattr(node.func, 'id', '') == 'SparkSubmitOperator':
                        kw = {k.arg: k.value for k in node.keywords}
                        tasks[kw['task_id'].value] = kw['application_args'].elts[0].value
                    if isinstance(node, ast.Expr) and isinstance(node.value, ast.BinOp):
                        e = node.value
                        chain = []
                        while isinstance(e, ast.BinOp) and isinstance(e.op, ast.RShift):
                            chain.insert(0, e.right.id)
                            e = e.left
                        chain.insert(0, e.id)
                        chains.append(chain)
                print(json.dumps({'tasks': tasks, 'chains': sorted(chains, key=len)}))
                """.formatted(DAG));
        assertEquals(0, r.exit(), r.both());
        JsonNode out = new ObjectMapper().readTree(r.stdout());
        assertEquals(Map.of("prepare", "prepare", "mntp", "mntp", "train", "train", "evaluate", "evaluate"),
                new ObjectMapper().convertValue(out.get("tasks"), Map.class));
        // the default chain, and the one with BG2VEC_RUN_MNTP (the if/else at the end of the DAG)
        assertEquals(List.of(List.of("prepare", "train", "evaluate"), List.of("prepare", "mntp", "train", "evaluate")),
                new ObjectMapper().convertValue(out.get("chains"), List.class));
    }

    /**
     * Runs the DAG file with stand-ins for Airflow's classes, renders its templates for dump 20250101 run on
     * 2025-01-05, calls the train task's config writer, and prints the rendered tasks and the written config.
     */
    private JsonNode renderedDag(Map<String, String> env) throws IOException {
        String code = """
                import json, sys, types
                OPS = {}
                def render(t):
                    return (t.replace("{{ params.dump_date or data_interval_end.strftime('%%Y%%m01') }}", "20250101")
                             .replace("{{ ds_nodash }}", "20250105"))
                class Op:
                    def __init__(self, **kw):
                        self.kw = kw
                        OPS[kw['task_id']] = self
                    def __rshift__(self, other):
                        return other
                    def render_template(self, t, context):
                        return render(t)
                class Dag:
                    def __init__(self, **kw):
                        pass
                    def __enter__(self):
                        return self
                    def __exit__(self, *a):
                        return False
                mods = {n: types.ModuleType(n) for n in ['airflow', 'airflow.models', 'airflow.models.param',
                        'airflow.providers', 'airflow.providers.apache', 'airflow.providers.apache.spark',
                        'airflow.providers.apache.spark.operators', 'airflow.providers.apache.spark.operators.spark_submit']}
                mods['airflow'].DAG = Dag
                mods['airflow.models.param'].Param = lambda *a, **k: None
                mods['airflow.providers.apache.spark.operators.spark_submit'].SparkSubmitOperator = Op
                sys.modules.update(mods)
                ns = {'__name__': 'bg2vec_retrain'}
                exec(compile(open('%s', encoding='utf-8').read(), 'dag', 'exec'), ns)
                ns['write_train_config']({'task': OPS['train']})
                with open(render(ns['TRAIN_CONFIG']), encoding='utf-8') as f:
                    config = json.load(f)
                mntp = None
                if 'mntp' in OPS:
                    ns['write_mntp_config']({'task': OPS['mntp']})
                    with open(render(ns['MNTP_CONFIG']), encoding='utf-8') as f:
                        mntp = json.load(f)
                print(json.dumps({'config': config, 'mntp': mntp,
                                  'args': {t: [render(a) for a in op.kw['application_args']] for t, op in OPS.items()},
                                  'conf': {t: op.kw.get('conf') or {} for t, op in OPS.items()}}))
                """.formatted(DAG);
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("PYTHONPYCACHEPREFIX", tmp.toString());
        all.put("BG2VEC_HOME", Shell.ROOT.toString());
        all.put("BG2VEC_LOCAL_RUN_DIR", tmp.resolve("runs").toString());
        List<String> defaults = List.of("BG2VEC_DATA_ROOT", "BG2VEC_DUMP_ROOT", "BG2VEC_BASE_MODEL", "BG2VEC_MNTP_ADAPTER",
                "BG2VEC_TOKENIZER", "BG2VEC_GPU_WORKERS", "BG2VEC_GPU_DISCOVERY_SCRIPT", "BG2VEC_GPU_FILES",
                "BG2VEC_EXECUTOR_POD_TEMPLATE", "BG2VEC_MODEL_CACHE", "BG2VEC_TRAIN_CONFIG", "BG2VEC_JAR",
                "BG2VEC_RUN_MNTP", "BG2VEC_MNTP_CONFIG");
        Shell.Result r = Shell.run(List.of("python3", "-c", code), all,
                defaults.stream().filter(k -> !env.containsKey(k)).toList());
        assertEquals(0, r.exit(), r.both());
        return new ObjectMapper().readTree(r.stdout());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String after(List<String> args, String option) {
        return args.get(args.indexOf(option) + 1);
    }

    @Test
    void theDagTheExampleConfigAndClusterMdShowOneLayout() throws IOException {
        JsonNode dag = renderedDag(Map.of());
        JsonNode example = new ObjectMapper().readTree(Shell.ROOT.resolve("conf/bg2vec-simcse.json").toFile());
        assertEquals(example, dag.get("config"),
                "conf/bg2vec-simcse.json is exactly the config the DAG writes for dump 20250101 run on 2025-01-05");

        List<String> prepare = strings(dag.get("args").get("prepare"));
        List<String> train = strings(dag.get("args").get("train"));
        List<String> evaluate = strings(dag.get("args").get("evaluate"));
        String model = example.get("model_name_or_path").asText();
        assertEquals(example.get("train_data").asText(), after(prepare, "--output"));
        assertEquals(model + "/tokenizer.json", after(prepare, "--tokenizer"));
        assertEquals(List.of("--workers", "4", "--device", "gpu"), train.subList(3, 7));
        assertEquals(model, after(evaluate, "--model"));
        assertEquals(example.get("peft_model_name_or_path").asText(), after(evaluate, "--base-adapter"));
        assertEquals(example.get("output_dir").asText() + "/adapter", after(evaluate, "--adapter"));
        assertEquals(example.get("train_data").asText(), after(evaluate, "--data"));

        String clusterMd = Files.readString(Shell.ROOT.resolve("src/site/markdown/cluster.md"), StandardCharsets.UTF_8);
        assertTrue(clusterMd.contains("## First GPU run"), "cluster.md has a First GPU run section");
        for (String path : List.of(after(prepare, "--input"), after(prepare, "--index"), after(prepare, "--tokenizer"),
                model, example.get("peft_model_name_or_path").asText(), example.get("train_data").asText(),
                example.get("checkpoint_dir").asText(), after(evaluate, "--adapter"), after(evaluate, "--output"))) {
            assertTrue(clusterMd.contains(path), "cluster.md does not show the DAG's path " + path);
        }
        assertEquals("./getGpusResources.sh",
                dag.get("conf").get("train").get("spark.executor.resource.gpu.discoveryScript").asText());
    }

    @Test
    void withRunMntpTheDagTrainsAnMntpAdapterAndMergesItInTrainAndEvaluate() throws IOException {
        JsonNode off = renderedDag(Map.of());
        assertTrue(off.get("mntp").isNull() && !off.get("args").has("mntp"), "no mntp task by default");

        JsonNode dag = renderedDag(Map.of("BG2VEC_RUN_MNTP", "1"));
        JsonNode recipe = new ObjectMapper().readTree(Shell.ROOT.resolve("conf/bg2vec-mntp.json").toFile());
        JsonNode mntp = dag.get("mntp");
        String out = "hdfs:///data/bg2vec/models/mntp-20250101-run20250105";
        assertEquals(out, mntp.get("output_dir").asText());
        assertEquals(out + "/checkpoints", mntp.get("checkpoint_dir").asText());
        assertEquals(dag.get("config").get("train_data"), mntp.get("train_data"));
        assertEquals(dag.get("config").get("model_name_or_path"), mntp.get("model_name_or_path"));
        assertEquals(recipe.get("mlm_probability"), mntp.get("mlm_probability"), "the rest is conf/bg2vec-mntp.json");
        List<String> args = strings(dag.get("args").get("mntp"));
        assertEquals("mntp", args.get(0));
        assertEquals(List.of("--workers", "4", "--device", "gpu"), args.subList(3, 7));
        assertEquals(out + "/adapter", dag.get("config").get("peft_model_name_or_path").asText());
        assertEquals(out + "/adapter", after(strings(dag.get("args").get("evaluate")), "--base-adapter"));
    }

    @Test
    void theDiscoveryScriptPodTemplateAndModelCacheAreSetFromTheDeployment() throws IOException {
        JsonNode dag = renderedDag(Map.of("BG2VEC_GPU_DISCOVERY_SCRIPT", "/opt/bg2vec/conf/getGpusResources.sh",
                "BG2VEC_GPU_FILES", "", "BG2VEC_EXECUTOR_POD_TEMPLATE", "/opt/bg2vec/conf/k8s/executor-gpu-pod-template.yaml",
                "BG2VEC_MODEL_CACHE", "/var/cache/bg2vec-models", "BG2VEC_MNTP_ADAPTER", ""));
        for (String task : List.of("train", "evaluate")) {
            JsonNode conf = dag.get("conf").get(task);
            assertEquals("/opt/bg2vec/conf/getGpusResources.sh",
                    conf.get("spark.executor.resource.gpu.discoveryScript").asText(), task);
            assertEquals("/opt/bg2vec/conf/k8s/executor-gpu-pod-template.yaml",
                    conf.get("spark.kubernetes.executor.podTemplateFile").asText(), task);
            assertEquals("/var/cache/bg2vec-models", conf.get("spark.executorEnv.BG2VEC_MODEL_CACHE").asText(), task);
        }
        assertTrue(dag.get("config").path("peft_model_name_or_path").isMissingNode(), "no MNTP adapter configured");
        assertTrue(!strings(dag.get("args").get("evaluate")).contains("--base-adapter"));
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
