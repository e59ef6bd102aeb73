package dev.autoj.onnx.internal.checkpoint;

import dev.autoj.engine.backend.BackendException;

/** A Hugging Face model folder cannot be used: the message names the file, the tensor and the fix. */
public class CheckpointException extends BackendException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
