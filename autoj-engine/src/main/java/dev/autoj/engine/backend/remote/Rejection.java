package dev.autoj.engine.backend.remote;

import dev.autoj.engine.backend.BackendException;
import java.net.URI;
import java.util.Set;

/** A server's refusal (a 3xx or 4xx that is not retried), in words, with what to change. */
final class Rejection {

    /** Statuses that refuse this request only (a prompt too long, a bad body), not the endpoint. */
    static final Set<Integer> PER_REQUEST = Set.of(400, 413, 422);

    private Rejection() {
    }

    /** The error for {@code method path} refused by {@code endpoint} with {@code status}; {@code snippet} is the body, token masked. */
    static BackendException of(RemoteConfig config, String method, String path, URI endpoint, int status, String snippet) {
        String hint;
        if (status == 401 || status == 403) {
            hint = config.bearerTokenEnv() == null
                    ? "the server wants a bearer token: name the environment variable holding it " + Exchanger.TOKEN_HINT
                    : "check the token in the environment variable " + config.bearerTokenEnv() + " " + Exchanger.TOKEN_HINT;
        } else if (status == 404) {
            hint = "check the endpoint's base URL and that the model \"" + config.modelName()
                    + "\" is served (GET " + endpoint + CompletionsProtocol.MODELS_PATH + " lists them)";
        } else if (PER_REQUEST.contains(status)) {
            hint = "the server refused this request; a prompt plus max_tokens longer than the model's context"
                    + " window (4096 tokens for Auto-J-13B) is the usual cause: shorten the judged texts";
        } else if (status >= 300 && status < 400) {
            hint = "the endpoint redirects elsewhere; configure the URL it redirects to as the endpoint";
        } else {
            hint = "the server refused this request";
        }
        return new BackendException(method + " " + endpoint + path + " was rejected with HTTP " + status
                + " (not retried): " + snippet + "; " + hint);
    }
}
