package dev.autoj.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scenario list against Auto-J's {@code scenarios.json}. */
class ScenarioTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode scenariosJson() throws IOException {
        return JSON.readTree(SharedFiles.testbed("scenarios.json").toFile());
    }

    @Test
    @DisplayName("the 60 scenarios have the names, descriptions and groups of scenarios.json, in its order, then default")
    void scenariosEqualScenariosJson() throws IOException {
        List<String> expected = new ArrayList<>();
        for (JsonNode s : scenariosJson().get("scenarios")) {
            expected.add(s.get("name").asText() + " | " + s.get("description").asText() + " | "
                    + (s.get("group").isNull() ? "-" : s.get("group").asText()));
        }
        List<String> actual = Arrays.stream(Scenario.values())
                .map(s -> s.id() + " | " + s.description() + " | " + s.group().map(Scenario.Group::displayName).orElse("-"))
                .collect(Collectors.toList());

        assertThat(expected).hasSize(60);
        assertThat(actual.subList(0, 60)).containsExactlyElementsOf(expected);
        assertThat(Scenario.values()).hasSize(61);
        assertThat(Scenario.values()[60]).isEqualTo(Scenario.DEFAULT);
        assertThat(Scenario.DEFAULT.id()).isEqualTo("default");
        assertThat(Scenario.DEFAULT.group()).isEmpty();
    }

    @Test
    @DisplayName("the 8 groups have the display names and members of scenarios.json; 58 scenarios are grouped")
    void groupsEqualScenariosJson() throws IOException {
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> group : scenariosJson().get("groups").properties()) {
            Set<String> members = new TreeSet<>();
            group.getValue().forEach(n -> members.add(n.asText()));
            expected.put(group.getKey(), members);
        }
        Map<String, Set<String>> actual = new LinkedHashMap<>();
        for (Scenario.Group g : Scenario.Group.values()) {
            actual.put(g.displayName(), g.scenarios().stream().map(Scenario::id).collect(Collectors.toCollection(TreeSet::new)));
        }

        assertThat(actual).containsExactlyEntriesOf(expected);
        assertThat(Arrays.stream(Scenario.values()).filter(s -> s.group().isPresent())).hasSize(58);
        assertThat(Arrays.stream(Scenario.values()).filter(s -> s.group().isEmpty()))
                .containsExactly(Scenario.PEER_REVIEW, Scenario.REJECTING, Scenario.DEFAULT);
    }

    @Test
    @DisplayName("a group lists its scenarios in the order of scenarios.json")
    void groupMembersKeepFileOrder() {
        assertThat(Scenario.Group.CODE.scenarios()).containsExactly(Scenario.CODE_TO_CODE_TRANSLATION,
                Scenario.CODE_CORRECTION_REWRITING, Scenario.CODE_GENERATION, Scenario.CODE_SIMPLIFICATION,
                Scenario.EXPLAINING_CODE);
    }

    @Test
    @DisplayName("every scenario named in the testbeds resolves, and every pairwise item has a group")
    void testbedScenariosResolve() throws IOException {
        for (String[] fileAndField : new String[][] {{"testdata_pairwise.jsonl", "scenario"},
                {"testdata_critique.jsonl", "scenario"}, {"zh_testdata_critique.jsonl", "scenario"},
                {"scenario_classifier_testdata.jsonl", "category"}}) {
            for (String line : Files.readAllLines(SharedFiles.testbed(fileAndField[0]), StandardCharsets.UTF_8)) {
                String name = JSON.readTree(line).get(fileAndField[1]).asText();
                Scenario scenario = Scenario.byName(name);
                assertThat(scenario.id()).isEqualTo(name);
                if (fileAndField[0].equals("testdata_pairwise.jsonl")) {
                    assertThat(scenario.group()).as(name).isPresent();
                }
            }
        }
    }

    @Test
    @DisplayName("docs/scenarios.md has a row for every scenario with its group and description")
    void documentationListsEveryScenario() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "scenarios.md"), StandardCharsets.UTF_8);

        for (Scenario s : Scenario.values()) {
            assertThat(doc).as(s.id()).contains("| `" + s.id() + "` | `" + s.name() + "` | "
                    + s.group().map(Scenario.Group::displayName).orElse("—") + " | " + s.description().replace("|", "\\|") + " |");
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"code_generation", "CODE_GENERATION", "code-generation", " Code Generation ", "Code_Generation"})
    @DisplayName("lookup accepts Auto-J's name, the constant's name and loose spellings")
    void lookupIsForgivingAboutSpelling(String name) {
        assertThat(Scenario.byName(name)).isEqualTo(Scenario.CODE_GENERATION);
        assertThat(Scenario.find(name)).contains(Scenario.CODE_GENERATION);
    }

    @Test
    @DisplayName("a typo is an error that lists the closest names and where the full list is")
    void typoListsCloseNames() {
        assertThatThrownBy(() -> Scenario.byName("code_genration"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown scenario 'code_genration'. Did you mean: code_generation,")
                .hasMessageContaining("docs/scenarios.md");
        assertThatThrownBy(() -> Scenario.byName("writing_emial"))
                .hasMessageContaining("Did you mean: writing_email");
    }

    @Test
    @DisplayName("find is empty for unknown or missing names; the classifier maps that to default")
    void findIsEmptyForUnknownNames() {
        assertThat(Scenario.find("no_such_scenario")).isEmpty();
        assertThat(Scenario.find(null)).isEqualTo(Optional.empty());
        assertThat(Scenario.find("default")).contains(Scenario.DEFAULT);
    }

    @Test
    @DisplayName("groups are found by their leaderboard name, and an unknown group lists the known ones")
    void groupsByDisplayName() {
        assertThat(Scenario.Group.byDisplayName("nlp tasks")).isEqualTo(Scenario.Group.NLP_TASKS);
        assertThatThrownBy(() -> Scenario.Group.byDisplayName("Poetry"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Poetry")
                .hasMessageContaining("Summarization, Exam Questions, Code, Rewriting, Creative Writing, "
                        + "Functional Writing, General Communication, NLP Tasks");
    }
}
