package dev.autoj.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The 60 real-world scenarios Auto-J was trained on, plus {@link #DEFAULT}.
 *
 * <p>Auto-J's prompts do not name the scenario: it is metadata for reports, for the
 * leaderboard's per-group figures, and the answer of the scenario classifier.
 * Each constant is Auto-J's name in upper case ({@link #id()} gives the original,
 * {@code code_generation}) and carries its description and its group; 58 scenarios belong to one of 8 groups,
 * {@code peer_review}, {@code rejecting} and {@code default} to none.
 *
 * <pre>{@code
 * Scenario s = Scenario.byName("code_generation");   // CODE_GENERATION
 * s.group();                                          // Optional[Group.CODE]
 * }</pre>
 */
public enum Scenario {
    TEXT_SUMMARIZATION("Write a summary for a piece of text.", Group.SUMMARIZATION),
    WRITING_BLOG_POST("Write a blog post on the website.", Group.CREATIVE_WRITING),
    WRITING_COOKING_RECIPE("Write a cooking recipe that teaches people how to prepare a meal.", Group.FUNCTIONAL_WRITING),
    CREATIVE_WRITING("Conduct a creative writing task, like writing stories, poems, dramas, novels, screenplays, etc.", Group.CREATIVE_WRITING),
    WRITING_JOB_APPLICATION("Write a job application for your job search.", Group.FUNCTIONAL_WRITING),
    WRITING_LEGAL_DOCUMENT("Write a legal document involving one or multiple parties that can be relied upon in court.", Group.FUNCTIONAL_WRITING),
    WRITING_MARKETING_MATERIALS("Write marketing materials that help you communicate your brand's products or services to your target market.", Group.CREATIVE_WRITING),
    WRITING_NEWS_ARTICLE("Write a news article for the newspaper.", Group.FUNCTIONAL_WRITING),
    WRITING_PERSONAL_ESSAY("Write an essay that explores topics through personal experiences, insights or understanding.", Group.CREATIVE_WRITING),
    WRITING_PRESENTATION_SCRIPT("Write a speech/presentation script for a public speech.", Group.CREATIVE_WRITING),
    WRITING_PRODUCT_DESCRIPTION("Write a product description that describes and explains your product or service.", Group.FUNCTIONAL_WRITING),
    RANKING("Sort some things, according to some criteria.", Group.NLP_TASKS),
    WRITING_SCIENTIFIC_PAPER("Write a scientific paper that shares your own original research work with other scientists.", Group.FUNCTIONAL_WRITING),
    WRITING_SOCIAL_MEDIA_POST("Write a post that will be posted on social media such as Twitter, Instagram, Facebook or LinkedIn.", Group.CREATIVE_WRITING),
    WRITING_SONG_LYRICS("Write song lyrics.", Group.CREATIVE_WRITING),
    WRITING_TECHNICAL_DOCUMENT("Write a technical document that describes the function and structure of a technical product (or concept) or a product that is being developed or has been put into use.", Group.FUNCTIONAL_WRITING),
    TEXT_SIMPLIFICATION("Reduce the complexity of the vocabulary and sentence structure of text while retaining its original meaning, with the goal of improving readability and understanding.", Group.REWRITING),
    TOPIC_MODELING("Extract the high-level topics or themes from a given text, i.e., what kind of topics are discussed in the text.", Group.NLP_TASKS),
    CHITCHAT("Chitchat with the user.", Group.GENERAL_COMMUNICATION),
    SOLVING_EXAM_QUESTION_WITHOUT_MATH("Solve an exam question (like fill-in-the-blank, multiple choice, true/false, matching, ordering, problem soving, etc) with no math involved.", Group.EXAM_QUESTIONS),
    SOLVING_EXAM_QUESTION_WITH_MATH("Solve an exam question (like fill-in-the-blank, multiple choice, true/false, matching, ordering, problem soving, etc) with math involved.", Group.EXAM_QUESTIONS),
    WRITING_ADVERTISEMENT("Write an advertisement for a product or service.", Group.CREATIVE_WRITING),
    SEEKING_ADVICE("Respond well to users when they seek advice.", Group.GENERAL_COMMUNICATION),
    CLASSIFICATION_IDENTIFICATION("Classify or identify one or multiple objects given by the user into specific categories.", Group.NLP_TASKS),
    CODE_TO_CODE_TRANSLATION("Convert the given code into another programming language.", Group.CODE),
    CODE_CORRECTION_REWRITING("Correct the potential errors in a piece of code or rewrite the code by user's requirements.", Group.CODE),
    CODE_GENERATION("Write a piece of code based on the given description.", Group.CODE),
    CODE_SIMPLIFICATION("Rewrite a piece of code to make it more concise and easy to understand.", Group.CODE),
    COUNTERFACTUAL("Answer questions or write texts under counterfactual premises.", Group.CREATIVE_WRITING),
    WRITING_EMAIL("Write an email.", Group.FUNCTIONAL_WRITING),
    EXPLAINING_CODE("Write an explanation for a piece of code.", Group.CODE),
    EXPLAINING_GENERAL("Explain something the user wants to know.", Group.GENERAL_COMMUNICATION),
    ANALYZING_GENERAL("Analyze a certain thing (like a topic, issue, material, text etc.) given by the user.", Group.GENERAL_COMMUNICATION),
    VERIFYING_FACT("Verify if the given fact is true or false.", Group.GENERAL_COMMUNICATION),
    WRITING_BIOGRAPHY("Write a biography for a person.", Group.FUNCTIONAL_WRITING),
    FUNCTIONAL_WRITING("Conduct a functional writing task, like proposals, reports, memos, emails, letters, resumes, polls, questionnaires, surveys, schedules, instructions, manuals, recipes, reviews, etc.", Group.FUNCTIONAL_WRITING),
    ASKING_HOW_TO_QUESTION("Give relevant and complete instructions when users ask `how to do` something.", Group.GENERAL_COMMUNICATION),
    INFORMATION_EXTRACTION("Extract one or multiple user-specified categories of information from a piece of text attached in the user's query.", Group.NLP_TASKS),
    INSTRUCTIONAL_REWRITING("Rewrite a given text with a specific instruction.", Group.REWRITING),
    KEYWORDS_EXTRACTION("Extract the keywords from a piece of text.", Group.NLP_TASKS),
    LANGUAGE_POLISHING("Polish a piece of text to make it more fluent, natural, and readable.", Group.REWRITING),
    MATH_REASONING("Write an answer with the step-by-step reasoning process for a math question.", Group.EXAM_QUESTIONS),
    NOTE_SUMMARIZATION("Write a note to summarize a piece of text.", Group.SUMMARIZATION),
    OPEN_QUESTION("The user's query is an open domain question with no attached passage or article. You should choose this if the query is a question and none of the other scenarios match it well.", Group.GENERAL_COMMUNICATION),
    PARAPHRASING("Paraphrasing a given text.", Group.REWRITING),
    PEER_REVIEW("Review an academic paper (usually STEM) and write a peer review report.", null),
    PLANNING("Write a plan for an event or activity.", Group.GENERAL_COMMUNICATION),
    QUESTION_GENERATION("Generate one or multiple questions based on the given topic or attached text.", Group.NLP_TASKS),
    READING_COMPREHENSION("Answer the questions that can be directly answered by the attached passage.", Group.NLP_TASKS),
    RECOMMENDATION("Give recommendations to users.", Group.GENERAL_COMMUNICATION),
    REJECTING("Reject to respond when the query is beyond capacity or it violates general ethical and legal rules.", null),
    ROLEPLAY("Pretend to be a specific person, character, profession or identity, and complete the required task on this basis.", Group.GENERAL_COMMUNICATION),
    TEXT_TO_TEXT_TRANSLATION("Translate the given text into another language.", Group.NLP_TASKS),
    TEXT_CORRECTION("Correct the potential errors in a piece of text.", Group.REWRITING),
    TITLE_GENERATION("Generate a title for the given text or based on a description of the work.", Group.NLP_TASKS),
    VALUE_JUDGEMENT("Provide a value judgment on a given topic or statement.", Group.GENERAL_COMMUNICATION),
    DATA_ANALYSIS("Analyze certain data given by the user.", Group.NLP_TASKS),
    BRAINSTORMING("Brainstorm ideas or items for a given topic.", Group.GENERAL_COMMUNICATION),
    POST_SUMMARIZATION("Write a summary for a reddit post.", Group.SUMMARIZATION),
    OTHERS("Respond to the user's query.", Group.NLP_TASKS),
    DEFAULT("The classifier's answer when no scenario fits; judged with the general protocol.", null);

    /** The 8 scenario groups of the Auto-J leaderboard. */
    public enum Group {
        SUMMARIZATION("Summarization"),
        EXAM_QUESTIONS("Exam Questions"),
        CODE("Code"),
        REWRITING("Rewriting"),
        CREATIVE_WRITING("Creative Writing"),
        FUNCTIONAL_WRITING("Functional Writing"),
        GENERAL_COMMUNICATION("General Communication"),
        NLP_TASKS("NLP Tasks");

        private final String displayName;

        Group(String displayName) {
            this.displayName = displayName;
        }

        /** The group's name as the leaderboard prints it, e.g. {@code "Creative Writing"}. */
        public String displayName() {
            return displayName;
        }

        /** The scenarios of this group, in the order of {@code scenarios.json}. */
        public List<Scenario> scenarios() {
            return Arrays.stream(Scenario.values()).filter(s -> s.group == this).collect(Collectors.toList());
        }

        /**
         * The group with this display name (as in the leaderboard), ignoring case.
         *
         * @throws IllegalArgumentException naming the known groups
         */
        public static Group byDisplayName(String name) {
            for (Group g : values()) {
                if (g.displayName.equalsIgnoreCase(name.trim())) {
                    return g;
                }
            }
            throw new IllegalArgumentException("Unknown scenario group '" + name + "'. Known groups: "
                    + Arrays.stream(values()).map(Group::displayName).collect(Collectors.joining(", ")));
        }
    }

    private static final Map<String, Scenario> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Scenario::id, Function.identity()));

    private final String description;
    private final Group group;

    Scenario(String description, Group group) {
        this.description = description;
        this.group = group;
    }

    /** The scenario's name as Auto-J writes it, e.g. {@code "code_generation"}: the constant's name in lower case. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the scenario covers, from Auto-J's scenario list. */
    public String description() {
        return description;
    }

    /** The leaderboard group, empty for {@code peer_review}, {@code rejecting} and {@code default}. */
    public Optional<Group> group() {
        return Optional.ofNullable(group);
    }

    /**
     * Looks a scenario up by Auto-J's name ({@code "code_generation"}) or by the constant's
     * name ({@code "CODE_GENERATION"}).
     *
     * @throws IllegalArgumentException for an unknown name, listing the closest known names
     */
    public static Scenario byName(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("Unknown scenario '" + name
                + "'. Did you mean: " + String.join(", ", closest(name, 3))
                + "? The 60 scenarios and 'default' are listed in docs/scenarios.md."));
    }

    /** Like {@link #byName} but empty for an unknown name; the classifier maps that to {@link #DEFAULT}. */
    public static Optional<Scenario> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_NAME.get(name.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_')));
    }

    static List<String> closest(String name, int n) {
        String probe = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        List<Scenario> all = new ArrayList<>(Arrays.asList(values()));
        all.sort(Comparator.comparingInt((Scenario s) -> editDistance(probe, s.id())).thenComparing(Scenario::id));
        return all.stream().limit(n).map(Scenario::id).collect(Collectors.toList());
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
