package dev.autoj.engine.internal;

import dev.autoj.engine.Judge.CompareRequest;
import dev.autoj.engine.Judge.GradeRequest;
import dev.autoj.engine.Language;
import dev.autoj.engine.protocol.UnencodableTextException;
import java.util.List;

/** The judge's checks of what a caller passes, with messages that name the request and the argument. */
final class RequestChecks {

    private RequestChecks() {
    }

    static Language validate(CompareRequest r, int index) {
        String where = requireRequest(r, "compare request " + index);
        requireText(r.query(), "query", where);
        requireResponse(r.response1(), "response1", where);
        requireResponse(r.response2(), "response2", where);
        return requireLanguage(r.language(), where);
    }

    static Language validate(GradeRequest r, int index) {
        String where = requireRequest(r, "grade request " + index);
        requireText(r.query(), "query", where);
        requireResponse(r.response(), "response", where);
        return requireLanguage(r.language(), where);
    }

    /** The request's name in messages, e.g. {@code grade request 0}; a null request is refused under it. */
    private static String requireRequest(Object request, String where) {
        if (request == null) {
            throw new IllegalArgumentException(where + " is null");
        }
        return where;
    }

    static void requireList(List<?> requests, String method) {
        if (requests == null) {
            throw new IllegalArgumentException(method + ": requests must not be null (pass an empty list for no work)");
        }
    }

    static void requireText(String value, String argument, String where) {
        requireResponse(value, argument, where);
        if (value.isBlank()) {
            throw new IllegalArgumentException(where + ": " + argument + " must not be blank; the judge needs the user's query"
                    + " to assess a response");
        }
    }

    /**
     * An empty response is a real model answer (the testbed has one) and is judged; null is a caller's
     * mistake, and so is half a character (it would reach the judge and the store key as '?').
     */
    private static void requireResponse(String value, String argument, String where) {
        if (value == null) {
            throw new IllegalArgumentException(where + ": " + argument + " must not be null (pass \"\" for an empty answer)");
        }
        UnencodableTextException.requireEncodable(where + ": " + argument, value);
    }

    private static Language requireLanguage(Language language, String where) {
        if (language == null) {
            throw new IllegalArgumentException(where + ": language must not be null (Language.EN or Language.ZH)");
        }
        return language;
    }
}
