"""Airflow DAG: retrain the bg2vec encoder on a new Bulgarian Wikipedia dump.

prepare (CPU executors) -> train (GPU executors, Spark barrier stage) -> evaluate (GPU executors embed,
the driver computes the metrics), all through spark-submit with the bg2vec cluster jar. Every output path
contains the dump date and the run date, so runs never overwrite each other and a retried task writes to
the same place it wrote before (train resumes from its last complete checkpoint there). The layout, for
dump 20250101 run on 2025-01-05 (the one conf/bg2vec-simcse.json and src/site/markdown/cluster.md show):

    hdfs:///models/BgGPT-7B-Instruct-v0.2/                     base model (sharded bf16 safetensors, tokenizer.json)
    hdfs:///models/bg2vec-mntp/                                MNTP LoRA adapter merged into the base
    hdfs:///data/bgwiki/20250101/                              the dump and its multistream index
    hdfs:///data/bg2vec/prepared/20250101-run20250105/         prepare output
    hdfs:///data/bg2vec/models/20250101-run20250105/           train output_dir: adapter/, metrics, checkpoints/
    hdfs:///data/bg2vec/reports/20250101-run20250105/          evaluate output: eval.json, eval.md, eval.png

The executors fetch the models from HDFS once per host into their model cache (BG2VEC_MODEL_CACHE).

Install: copy this file into the DAGs folder of an Airflow 2.6+ deployment with
apache-airflow-providers-apache-spark (4.x, for deploy_mode), on workers that can run spark-submit
against the cluster (Spark 3.5 client, Hadoop/YARN or Kubernetes configuration) and that hold a bg2vec
checkout or release at BG2VEC_HOME. Edit the settings block below, or set the environment variables
named there. Create the Spark connection (default id ``spark_bg2vec``), e.g.
``airflow connections add spark_bg2vec --conn-type spark --conn-host yarn --conn-extra '{"deploy-mode": "client"}'``.
Client mode keeps the driver (and so the training progress lines) in the Airflow task log.

Trigger: ``airflow dags trigger bg2vec_retrain --conf '{"dump_date": "20250101"}'``; without
``dump_date`` the run uses the 1st of the run's month (the dump must be downloaded first, see
data-prep/download-bgwiki.sh, and be where ``DUMP_DIR`` says).

See src/site/markdown/cluster.md, "Scheduling retraining with Airflow".
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models.param import Param
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# ---- settings: environment variables of the scheduler/workers override the defaults ----------------
# (plain environment variables rather than Airflow Variables: no metadata-database access at parse time)
SPARK_CONN_ID = os.environ.get("BG2VEC_SPARK_CONN_ID", "spark_bg2vec")
BG2VEC_HOME = os.environ.get("BG2VEC_HOME", "/opt/bg2vec")  # a checkout or unpacked release, on every worker
JAR = os.environ.get("BG2VEC_JAR", BG2VEC_HOME + "/target/bg2vec-0.1.0-SNAPSHOT-cluster.jar")
GPU_PROPERTIES = os.environ.get("BG2VEC_GPU_PROPERTIES", BG2VEC_HOME + "/conf/spark-gpu.conf")
BASE_CONFIG = os.environ.get("BG2VEC_TRAIN_CONFIG", BG2VEC_HOME + "/conf/bg2vec-simcse.json")
DATA_ROOT = os.environ.get("BG2VEC_DATA_ROOT", "hdfs:///data/bg2vec")
DUMP_ROOT = os.environ.get("BG2VEC_DUMP_ROOT", "hdfs:///data/bgwiki")
BASE_MODEL = os.environ.get("BG2VEC_BASE_MODEL", "hdfs:///models/BgGPT-7B-Instruct-v0.2")
# the MNTP adapter merged into the base before training (and before evaluating); "" when the base has it merged
MNTP_ADAPTER = os.environ.get("BG2VEC_MNTP_ADAPTER", "hdfs:///models/bg2vec-mntp")
# BG2VEC_RUN_MNTP=1 trains a new MNTP adapter on the prepared dump first (task "mntp", `bg2vec mntp`) and
# merges that one instead of BG2VEC_MNTP_ADAPTER. Off by default: the published MNTP adapter is the usual start.
RUN_MNTP = os.environ.get("BG2VEC_RUN_MNTP", "").lower() in ("1", "true", "yes")
MNTP_BASE_CONFIG = os.environ.get("BG2VEC_MNTP_CONFIG", BG2VEC_HOME + "/conf/bg2vec-mntp.json")
TOKENIZER = os.environ.get("BG2VEC_TOKENIZER", BASE_MODEL + "/tokenizer.json")
GPU_WORKERS = int(os.environ.get("BG2VEC_GPU_WORKERS", "4"))
# Where GPU executors find the discovery script. YARN: ./getGpusResources.sh in the container's working
# directory, shipped by the tasks (BG2VEC_GPU_FILES). Kubernetes: the image holds it, so set
# BG2VEC_GPU_DISCOVERY_SCRIPT=/opt/bg2vec/conf/getGpusResources.sh and BG2VEC_GPU_FILES="".
GPU_DISCOVERY_SCRIPT = os.environ.get("BG2VEC_GPU_DISCOVERY_SCRIPT", "./getGpusResources.sh")
GPU_FILES = os.environ.get("BG2VEC_GPU_FILES", BG2VEC_HOME + "/conf/getGpusResources.sh") or None
# Kubernetes only: the executor pod template (conf/k8s/executor-gpu-pod-template.yaml: GPU, model cache, shared volume)
EXECUTOR_POD_TEMPLATE = os.environ.get("BG2VEC_EXECUTOR_POD_TEMPLATE", "")
# a persistent per-host model cache on the GPU executors ("" = under Spark's local directory, per application)
MODEL_CACHE = os.environ.get("BG2VEC_MODEL_CACHE", "")
LOCAL_RUN_DIR = os.environ.get("BG2VEC_LOCAL_RUN_DIR", "/tmp/bg2vec-airflow")


def load_spark_properties(path):
    """Reads a Spark properties file (key=value or key value; # and ! comments) into a dict.

    The GPU settings go to spark-submit as --conf rather than --properties-file, because Spark 3.5
    skips the site's spark-defaults.conf (queues, event logs, ...) when a properties file is given.
    """
    props = {}
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.strip()
            if not line or line.startswith(("#", "!")):
                continue
            key, sep, value = line.partition("=")
            if not sep:
                key, _, value = line.partition(" ")
            key, value = key.strip(), value.strip()
            if not key or not value:
                raise ValueError(f"{path}:{number}: expected key=value, got {raw.rstrip()!r}")
            props[key] = value
    return props


def gpu_conf(executors):
    """Spark settings of a GPU task: conf/spark-gpu.conf, the executor count and the deployment's overrides."""
    conf = load_spark_properties(GPU_PROPERTIES)
    conf["spark.executor.instances"] = str(executors)
    conf["spark.executor.resource.gpu.discoveryScript"] = GPU_DISCOVERY_SCRIPT
    if EXECUTOR_POD_TEMPLATE:
        conf["spark.kubernetes.executor.podTemplateFile"] = EXECUTOR_POD_TEMPLATE
    if MODEL_CACHE:
        conf["spark.executorEnv.BG2VEC_MODEL_CACHE"] = MODEL_CACHE
    return conf


# ---- paths, as Jinja templates rendered per run ----------------------------------------------------
DUMP_DATE = "{{ params.dump_date or data_interval_end.strftime('%Y%m01') }}"
RUN = "{{ ds_nodash }}"
DUMP_DIR = DUMP_ROOT + "/" + DUMP_DATE
DUMP_FILE = DUMP_DIR + "/bgwiki-" + DUMP_DATE + "-pages-articles-multistream.xml.bz2"
DUMP_INDEX = DUMP_DIR + "/bgwiki-" + DUMP_DATE + "-pages-articles-multistream-index.txt.bz2"
PREPARED = DATA_ROOT + "/prepared/" + DUMP_DATE + "-run" + RUN
MODEL_OUT = DATA_ROOT + "/models/" + DUMP_DATE + "-run" + RUN
CHECKPOINTS = MODEL_OUT + "/checkpoints"
ADAPTER = MODEL_OUT + "/adapter"  # where `train` writes the final adapter inside output_dir
REPORT = DATA_ROOT + "/reports/" + DUMP_DATE + "-run" + RUN
MNTP_OUT = DATA_ROOT + "/models/mntp-" + DUMP_DATE + "-run" + RUN  # the mntp task's output_dir (BG2VEC_RUN_MNTP)
MERGED_ADAPTER = MNTP_OUT + "/adapter" if RUN_MNTP else MNTP_ADAPTER  # what train and evaluate merge
MNTP_CONFIG = LOCAL_RUN_DIR + "/" + RUN + "/bg2vec-mntp.json"
# the train config written on the Airflow worker right before spark-submit (client mode reads it there)
TRAIN_CONFIG = LOCAL_RUN_DIR + "/" + RUN + "/bg2vec-simcse.json"


def write_train_config(context):
    """on_execute_callback of the train task: the base config with this run's models, data and outputs.

    Runs on the same worker, right before spark-submit; renders the same templates as the task arguments.
    """
    task = context["task"]
    with open(BASE_CONFIG, encoding="utf-8") as f:
        config = json.load(f)
    config["model_name_or_path"] = BASE_MODEL
    if MERGED_ADAPTER:
        config["peft_model_name_or_path"] = task.render_template(MERGED_ADAPTER, context)
    else:
        config.pop("peft_model_name_or_path", None)
    config["train_data"] = task.render_template(PREPARED, context)
    config["output_dir"] = task.render_template(MODEL_OUT, context)
    config["checkpoint_dir"] = task.render_template(CHECKPOINTS, context)
    write_config(config, task.render_template(TRAIN_CONFIG, context))


def write_mntp_config(context):
    """on_execute_callback of the mntp task: the MNTP base config with this run's model, data and outputs."""
    task = context["task"]
    with open(MNTP_BASE_CONFIG, encoding="utf-8") as f:
        config = json.load(f)
    config["model_name_or_path"] = BASE_MODEL
    config.pop("peft_model_name_or_path", None)
    config["train_data"] = task.render_template(PREPARED, context)
    config["output_dir"] = task.render_template(MNTP_OUT, context)
    config["checkpoint_dir"] = task.render_template(MNTP_OUT + "/checkpoints", context)
    write_config(config, task.render_template(MNTP_CONFIG, context))


def write_config(config, path):
    """Writes a JSON config atomically (a task that dies midway leaves no half-written file)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
    os.replace(tmp, path)


default_args = {
    "owner": "bg2vec",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
}

with DAG(
    dag_id="bg2vec_retrain",
    description="bg2vec: prepare a bgwiki dump, train the SimCSE LoRA on GPUs, evaluate",
    schedule="0 6 5 * *",  # monthly, after the dump of the 1st has finished
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,  # one training run at a time on the GPU pool
    default_args=default_args,
    params={
        "dump_date": Param(None, type=["null", "string"], pattern="^[0-9]{8}$",
                           description="bgwiki dump date YYYYMMDD (default: the 1st of the run's month)"),
    },
    tags=["bg2vec", "spark", "gpu"],
) as dag:
    prepare = SparkSubmitOperator(
        task_id="prepare",
        conn_id=SPARK_CONN_ID,
        application=JAR,
        java_class="org.bg2vec.cli.Main",
        name="bg2vec-prepare-" + RUN,
        application_args=[
            "prepare",
            "--input", DUMP_FILE,
            "--index", DUMP_INDEX,
            "--tokenizer", TOKENIZER,
            "--output", PREPARED,
            "--overwrite",  # a retried task replaces its own partial output (written atomically anyway)
            "--shards", "64",
        ],
        execution_timeout=timedelta(hours=3),
    )

    train = SparkSubmitOperator(
        task_id="train",
        conn_id=SPARK_CONN_ID,
        application=JAR,
        java_class="org.bg2vec.cli.Main",
        name="bg2vec-train-" + RUN,
        deploy_mode="client",  # the driver reads TRAIN_CONFIG from this worker's disk
        files=GPU_FILES,
        num_executors=GPU_WORKERS,
        conf=gpu_conf(GPU_WORKERS),
        application_args=["train", "--config", TRAIN_CONFIG, "--workers", str(GPU_WORKERS), "--device", "gpu"],
        on_execute_callback=write_train_config,
        # a retry resumes from the last complete checkpoint in CHECKPOINTS (train resumes automatically)
        retries=3,
        execution_timeout=timedelta(hours=24),
    )

    evaluate = SparkSubmitOperator(
        task_id="evaluate",
        conn_id=SPARK_CONN_ID,
        application=JAR,
        java_class="org.bg2vec.cli.Main",
        name="bg2vec-evaluate-" + RUN,
        files=GPU_FILES,
        num_executors=1,
        conf=gpu_conf(1),
        application_args=[
            "evaluate",
            "--model", BASE_MODEL,
            *(["--base-adapter", MERGED_ADAPTER] if MERGED_ADAPTER else []),
            "--adapter", ADAPTER,
            "--data", PREPARED,
            "--output", REPORT,
            "--device", "gpu",
        ],
        execution_timeout=timedelta(hours=3),
    )

    if RUN_MNTP:
        mntp = SparkSubmitOperator(
            task_id="mntp",
            conn_id=SPARK_CONN_ID,
            application=JAR,
            java_class="org.bg2vec.cli.Main",
            name="bg2vec-mntp-" + RUN,
            deploy_mode="client",  # the driver reads MNTP_CONFIG from this worker's disk
            files=GPU_FILES,
            num_executors=GPU_WORKERS,
            conf=gpu_conf(GPU_WORKERS),
            application_args=["mntp", "--config", MNTP_CONFIG, "--workers", str(GPU_WORKERS), "--device", "gpu"],
            on_execute_callback=write_mntp_config,
            retries=3,  # resumes from the last complete checkpoint, as train does
            execution_timeout=timedelta(hours=24),
        )
        prepare >> mntp >> train >> evaluate
    else:
        prepare >> train >> evaluate
