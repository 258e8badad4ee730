package org.bg2vec.train;

import java.util.Objects;

/**
 * Where a training run starts: the config's {@code resume} ({@code auto}, {@code never} or a checkpoint
 * path) and {@code resume_force} keys, parsed once by {@link TrainConfigReader}.
 *
 * @param kind       continue from the latest verified checkpoint in {@code checkpoint_dir}, start over, or
 *                   continue from one given checkpoint
 * @param checkpoint the checkpoint directory for {@link Kind#CHECKPOINT}, else null
 * @param force      continue even from a checkpoint of another run (other training settings, base model,
 *                   adapter or data); without it such a resume is refused as a configuration error
 */
public record Resume(Kind kind, String checkpoint, boolean force) {

    /** The config values of {@link Kind#LATEST} and {@link Kind#NEVER}. */
    public static final String AUTO = "auto";
    public static final String NEVER = "never";

    public enum Kind { LATEST, NEVER, CHECKPOINT }

    public Resume {
        Objects.requireNonNull(kind);
        if ((kind == Kind.CHECKPOINT) != (checkpoint != null)) {
            throw new IllegalArgumentException("a checkpoint path goes with Kind.CHECKPOINT only");
        }
    }

    /** The default: the latest verified checkpoint of {@code checkpoint_dir}, if any. */
    public static Resume latest() {
        return new Resume(Kind.LATEST, null, false);
    }

    public static Resume never() {
        return new Resume(Kind.NEVER, null, false);
    }

    public static Resume from(String checkpoint) {
        return new Resume(Kind.CHECKPOINT, checkpoint, false);
    }

    /** {@code auto}, {@code never}, or any other text as a checkpoint path. */
    static Resume parse(String value, boolean force) {
        return switch (value) {
            case AUTO -> new Resume(Kind.LATEST, null, force);
            case NEVER -> new Resume(Kind.NEVER, null, false);
            default -> new Resume(Kind.CHECKPOINT, value, force);
        };
    }

    /** The value of the {@code resume} config key. */
    public String configValue() {
        return switch (kind) {
            case LATEST -> AUTO;
            case NEVER -> NEVER;
            case CHECKPOINT -> checkpoint;
        };
    }

    @Override
    public String toString() {
        return configValue() + (force ? " (forced)" : "");
    }
}
