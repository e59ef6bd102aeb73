package dev.autoj.engine;

/**
 * The language of Auto-J's instructions to the judge: {@link #EN} uses the {@code single} and
 * {@code pairwise_tie} templates, {@link #ZH} the Chinese {@code zh_single} and {@code zh_pairwise_tie}.
 */
public enum Language {
    /** English protocols (Auto-J-13B). */
    EN,
    /** Chinese protocols (Auto-J bilingual). */
    ZH
}
