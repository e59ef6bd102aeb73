package dev.autoj.onnx.tokenizer;

/** A tokenizer file could not be read or used; the message names the file and the fix. */
public class TokenizerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
