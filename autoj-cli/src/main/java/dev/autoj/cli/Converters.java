package dev.autoj.cli;

import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.SettingText;
import dev.autoj.engine.Language;
import dev.autoj.engine.conformance.ConformanceMode;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.store.StoreMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values as users write them: lower case, the names of docs/cli.md. */
final class Converters {

    private Converters() {
    }

    /** {@code value} read by {@code parse}; a refusal becomes picocli's, said as {@code refusal} (null: the parser's own message). */
    private static <T> T read(String value, Function<String, T> parse, String refusal) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(refusal == null ? e.getMessage() : refusal);
        }
    }

    /** A judge model id, e.g. {@code GAIR/autoj-13b}: the judge family that serves it. */
    static final class Family implements ITypeConverter<JudgeFamily> {
        @Override
        public JudgeFamily convert(String value) {
            return read(value, JudgeFamilies::forModel, null);
        }
    }

    /** {@code en} or {@code zh}. */
    static final class LanguageName implements ITypeConverter<Language> {
        @Override
        public Language convert(String value) {
            return language(value).orElseThrow(() ->
                    new TypeConversionException("unknown language '" + value + "'; use en or zh"));
        }
    }

    static Optional<Language> language(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "en" -> Optional.of(Language.EN);
            case "zh" -> Optional.of(Language.ZH);
            default -> Optional.empty();
        };
    }

    /** {@code live}, {@code record} or {@code replay}. */
    static final class Mode implements ITypeConverter<StoreMode> {
        @Override
        public StoreMode convert(String value) {
            return read(value, StoreMode::parse, "unknown mode '" + value + "'; use live, record or replay");
        }
    }

    /** {@code remote} or {@code onnx}. */
    static final class Backend implements ITypeConverter<JudgeSpec.BackendKind> {
        @Override
        public JudgeSpec.BackendKind convert(String value) {
            return read(value, v -> SettingText.parseChoice(v, JudgeSpec.BackendKind.class),
                    "unknown back end '" + value + "'; use remote or onnx");
        }
    }

    /** The conformance check: {@code strict}, {@code warn} or {@code off}. */
    static final class Conformance implements ITypeConverter<ConformanceMode> {
        @Override
        public ConformanceMode convert(String value) {
            return read(value, v -> SettingText.parseChoice(v, ConformanceMode.class),
                    "unknown conformance mode '" + value + "'; use strict, warn or off");
        }
    }

    /** A positive duration, read as everywhere in autoj: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h}, ISO-8601 {@code PT5M}. */
    static final class PositiveDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return read(value, SettingText::parseDuration, null);
        }
    }
}
