package dev.autoj.engine.cli;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import java.util.Locale;
import java.util.Optional;
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
}
