package dev.autoj.junit;

import dev.autoj.assertions.PairedCase;
import dev.autoj.assertions.PairedCases;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.AnnotationConsumer;
import org.junit.jupiter.params.support.ParameterDeclarations;

/** Reads the file of a {@link PairedCasesSource}: one argument set per case, named for the display name. */
final class PairedCasesArgumentsProvider implements ArgumentsProvider, AnnotationConsumer<PairedCasesSource> {

    /** Characters of a query that name a case without id. */
    private static final int NAME_LENGTH = 60;
    private static final String CLASSPATH = "classpath:";

    private String source;

    @Override
    public void accept(PairedCasesSource annotation) {
        this.source = annotation.value();
    }

    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("@PairedCasesSource needs a case file, e.g. "
                    + "@PairedCasesSource(\"classpath:cases/summaries.jsonl\")");
        }
        if (!source.startsWith(CLASSPATH) && !java.nio.file.Files.exists(Path.of(source)) && onClasspath(source)) {
            throw new IllegalArgumentException("@PairedCasesSource(\"" + source + "\"): no such file (working directory "
                    + Path.of("").toAbsolutePath() + "), but the test class path has a resource of that name; a plain name is a"
                    + " file path, so write @PairedCasesSource(\"" + CLASSPATH + source + "\")");
        }
        List<PairedCase> cases = source.startsWith(CLASSPATH) ? PairedCases.fromClasspath(source)
                : PairedCases.read(Path.of(source));
        return IntStream.range(0, cases.size()).mapToObj(i -> Arguments.argumentSet(name(cases.get(i), i), cases.get(i)));
    }

    private static boolean onClasspath(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return (loader != null ? loader : PairedCasesArgumentsProvider.class.getClassLoader())
                .getResource(name.startsWith("/") ? name.substring(1) : name) != null;
    }

    /** The case's id, else the start of its query on one line: what a reader recognizes in the test tree. */
    static String name(PairedCase c, int index) {
        if (c.id() != null && !c.id().isBlank()) {
            return c.id();
        }
        String flat = c.query().strip().replaceAll("\\s+", " ");
        if (flat.isEmpty()) {
            return "#" + (index + 1);
        }
        return flat.length() <= NAME_LENGTH ? flat : flat.substring(0, NAME_LENGTH) + "…";
    }
}
