package dev.autoj.cli;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.store.StoreMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values as users write them: lower case, the names of docs/cli.md. */
final class Converters {

    private Converters() {
    }

    /** {@code single} or {@code pairwise}: the protocols whose outputs carry a verdict. */
    static final class JudgeProtocol implements ITypeConverter<Protocol> {
        @Override
        public Protocol convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "single" -> Protocol.SINGLE;
                case "pairwise" -> Protocol.PAIRWISE;
                default -> throw new TypeConversionException("unknown protocol '" + value + "'; use single or pairwise");
            };
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
            try {
                return StoreMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown mode '" + value + "'; use live, record or replay");
            }
        }
    }

    /** {@code remote} or {@code onnx}. */
    static final class Backend implements ITypeConverter<RunOptions.BackendKind> {
        @Override
        public RunOptions.BackendKind convert(String value) {
            for (RunOptions.BackendKind kind : RunOptions.BackendKind.values()) {
                if (kind.name().equalsIgnoreCase(value.trim())) {
                    return kind;
                }
            }
            throw new TypeConversionException("unknown back end '" + value + "'; use remote or onnx");
        }
    }

    /** A positive duration: {@code 90s}, {@code 500ms}, {@code 5m}, {@code 1h}, or ISO-8601 such as {@code PT5M}. */
    static final class PositiveDuration implements ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Duration d;
            Matcher m = SHORT.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                try {
                    d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    throw new TypeConversionException("'" + value + "' is not a duration; write e.g. 90s, 500ms, 5m or 1h");
                }
            }
            if (d.isZero() || d.isNegative()) {
                throw new TypeConversionException("'" + value + "' is not a positive duration; write e.g. 90s or 5m");
            }
            return d;
        }
    }
}
