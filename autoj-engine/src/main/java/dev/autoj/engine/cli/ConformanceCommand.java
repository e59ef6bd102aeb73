package dev.autoj.engine.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.conformance.CaseResult;
import dev.autoj.engine.conformance.Conformance;
import dev.autoj.engine.conformance.ConformanceReport;
import dev.autoj.engine.store.StoreMode;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;

/**
 * {@code autoj conformance}: checks that a served judge reproduces Auto-J on the golden set.
 *
 * <pre>{@code
 * int exit = Main.commandLine().execute("conformance", "--endpoints", "http://judge-1:8000");  // 0 conforms, 4 not
 * }</pre>
 */
@Command(name = "conformance",
        mixinStandardHelpOptions = true,
        description = {
            "Judges the golden set of published Auto-J-13B cases (10 pairs in both orders, 8 ratings) with a served judge",
            "and compares: each pairwise verdict must match, ratings within ±1 with at least 75% exact (docs/conformance.md).",
            "Exit codes: 0 the judge reproduces Auto-J, 4 it does not (0 with --warn), 3 the servers cannot answer,",
            "2 a wrong command line."})
final class ConformanceCommand extends AutojCommand {

    @Option(names = "--endpoints", required = true, paramLabel = "URLS", converter = EndpointList.class,
            description = "comma-separated base URLs of OpenAI-compatible completions servers, e.g. http://judge-1:8000")
    String endpoints;

    @Option(names = "--model-name", paramLabel = "NAME", defaultValue = RemoteConfig.DEFAULT_MODEL,
            description = "the model name the servers serve (default: ${DEFAULT-VALUE})")
    String modelName;

    @Option(names = "--token-env", paramLabel = "VAR", description = "name of the environment variable holding the servers' bearer token")
    String tokenEnv;

    @Option(names = "--warn", description = "report differences but exit 0")
    boolean warn;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    void execute() {
        RemoteConfig config = RemoteConfig.builder().endpoints(endpoints).modelName(modelName).bearerTokenEnv(tokenEnv).build();
        RemoteBackend backend;
        try {
            backend = new RemoteBackend(config);
        } catch (IllegalArgumentException e) {
            throw new BackendException("cannot set up the remote judge: " + e.getMessage(), e);
        }
        ConformanceReport report;
        try (Judge judge = Judges.builder().backend(backend).mode(StoreMode.LIVE).build()) {
            report = Conformance.check(judge);
        }
        if (json) {
            out().println(Json.document(json(report)));
        } else {
            Table table = new Table("Case", "Scenario", "Expected", "Got", "").leftAlign(4);
            for (CaseResult c : report.cases()) {
                table.row(c.id(), c.scenario().id(), c.expected(), c.got(), c.exact() ? "same" : c.withinTolerance() ? "close" : "DIFFERS");
            }
            out().println("Conformance of " + modelName + " at " + endpoints + " on the Auto-J golden set");
            out().println();
            table.print(out());
            out().println();
            out().println(report.describe());
        }
        if (!report.conforms() && !warn) {
            throw new CheckFailedException("judge does not reproduce Auto-J: " + report.differences().size() + " of "
                    + report.cases().size() + " golden cases differ beyond the tolerance (listed above); check the served"
                    + " weights, greedy decoding and that the server applies no chat template");
        }
    }

    private static ObjectNode json(ConformanceReport report) {
        ObjectNode root = Json.object();
        root.put("conforms", report.conforms());
        root.put("rating_distance", report.tolerance().ratingDistance());
        Json.putNumber(root, "min_exact_rating_share", report.tolerance().minExactRatingShare());
        Json.putNumber(root, "exact_rating_share", report.exactRatingShare());
        root.put("answered_from_store", report.answeredFromStore());
        ArrayNode cases = root.putArray("cases");
        for (CaseResult c : report.cases()) {
            ObjectNode node = cases.addObject();
            node.put("id", c.id());
            node.put("protocol", c.protocol().name().toLowerCase(Locale.ROOT));
            node.put("scenario", c.scenario().id());
            node.put("query", c.query());
            node.put("expected", c.expected());
            node.put("got", c.got());
            node.put("within_tolerance", c.withinTolerance());
            node.put("exact", c.exact());
        }
        return root;
    }

    /** Base URLs checked as the remote back end checks them, so that a bad one is a usage error. */
    static final class EndpointList implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                RemoteConfig.builder().endpoints(value).build();
                return value;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
