package org.bg2vec.spark;

import org.bg2vec.collective.Collective;
import org.bg2vec.train.SimCseTrainer;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.WorkerEnvironment;

import java.io.Serializable;

/**
 * What one barrier task of {@link TrainJob} runs once its collective is connected: the training of
 * one worker (rank = {@code collective.rank()} of {@code collective.size()}). It travels to the
 * executors inside the task closure, so it must be serializable (a method reference to a static
 * method is). Production: {@code TrainingWorker::run} (the real model from the config); tests plug in a
 * small model to keep Spark tests fast.
 */
@FunctionalInterface
public interface WorkerFunction extends Serializable {

    /**
     * Trains this worker to the end and returns its result; throws on any failure (the task then
     * aborts the collective, so the other workers fail fast). {@code environment} holds the Hadoop
     * configuration and the device the task was given.
     */
    SimCseTrainer.Result train(TrainConfig config, Collective collective, SimCseTrainer.StepListener listener,
                               WorkerEnvironment environment) throws Exception;
}
