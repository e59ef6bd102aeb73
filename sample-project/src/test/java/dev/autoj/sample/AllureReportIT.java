package dev.autoj.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.assistant.Assistant;
import com.example.assistant.AssistantModel;
import com.example.assistant.PromptVersion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.answers.Recorder;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import dev.autoj.langchain4j.RecordedChatModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens the Allure report that {@code mvn verify} generated in headless Chromium, the way a reader
 * would (suite, test, Auto-J step, attachment), and finds Auto-J's published critique of the post
 * summary there, and the set-level test's case table and charts. Runs after the report is generated ({@code integration-test} phase);
 * skipped where there is no report or no chromedriver.
 */
class AllureReportIT {

    private static final Path REPORT = Path.of(System.getProperty("autoj.sample.report.dir", "target/site/allure-maven-plugin"));
    private static final Path DRIVER = Path.of(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"));
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOT = Path.of("target/allure-report-check.png");
    private static final Path SET_SCREENSHOT = Path.of("target/allure-set-level.png");
    /** Where the docs take the set-level screenshot from: set -Dautoj.sample.docs.screenshot=../docs/images/allure-set-level.png. */
    private static final String DOCS_SCREENSHOT = System.getProperty("autoj.sample.docs.screenshot", "");

    @Test
    void theReportShowsAutoJsCritiqueOnTheTestsPage() throws IOException {
        String critique = publishedCritiqueOfTheNewPostSummary();
        String firstSentence = critique.substring(0, critique.indexOf('.') + 1);
        inBrowser((browser, wait) -> {
            click(wait, "//div[contains(@class,'node__name')][normalize-space()='com.example.assistant.PostSummaryPromptTest']");
            click(wait, "//div[contains(@class,'node__name')][normalize-space()='newSummaryScoresAtLeastSixAndStaysOnTopic()']");
            click(wait, "//*[contains(@class,'step__title')][contains(normalize-space(),'Auto-J scoresAtLeast: rating 6')]");
            click(wait, "//*[contains(@class,'attachment-row')][.//*[normalize-space()='critique']]");
            WebElement shown = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("pre.attachment__text")));
            screenshot(browser, SCREENSHOT);

            assertThat(shown.getText()).contains(firstSentence);
        });
    }

    /**
     * The set-level test's step carries the case table and the charts as an HTML attachment, which
     * Allure shows in a frame: 16 case rows (Auto-J's published verdicts for the 16 code cases),
     * the win/tie/loss bar with its counts, and the mean-score chart.
     */
    @Test
    void theSetLevelStepShowsTheCaseTableAndTheCharts() throws IOException {
        inBrowser((browser, wait) -> {
            click(wait, "//div[contains(@class,'node__name')][normalize-space()='com.example.assistant.CodePromptSetTest']");
            click(wait, "//div[contains(@class,'node__name')]"
                    + "[normalize-space()='newCodeAnswersArePreferredOverTheCurrentOnesAcrossTheSet()']");
            click(wait, "//*[contains(@class,'step__title')][contains(normalize-space(),'Auto-J isPreferredOverBaseline: PASS over 16 cases')]");
            click(wait, "//*[contains(@class,'attachment-row')][.//*[normalize-space()='set-level report']]");
            WebElement frame = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("iframe.attachment__iframe")));
            browser.switchTo().frame(frame);
            try {
                WebElement table = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("autoj-cases")));
                assertThat(table.findElements(By.cssSelector("tbody tr"))).hasSize(16);
                assertThat(table.getText()).contains("line-561").contains("candidate").contains("baseline");
                WebElement bar = browser.findElement(By.id("autoj-outcome-bar"));
                assertThat(bar.isDisplayed()).isTrue();
                assertThat(bar.getText()).contains("wins 10").contains("ties 4").contains("losses 2");
                assertThat(browser.findElement(By.id("autoj-mean-chart")).getText()).contains("mean 0.750 (bound 0.590)");
            } finally {
                browser.switchTo().defaultContent();
            }
            // For the picture, the attachment full screen: the case steps above would push it out of view.
            browser.manage().window().setSize(new Dimension(1400, 1100));
            click(wait, "//*[contains(@class,'attachment-row')][.//*[normalize-space()='set-level report']]"
                    + "//*[contains(@class,'attachment-row__fullscreen')]");
            wait.until(ExpectedConditions.urlContains("attachment="));
            wait.until(b -> b.findElements(By.cssSelector("iframe.attachment__iframe")).stream().anyMatch(WebElement::isDisplayed));
            screenshot(browser, SET_SCREENSHOT);
            if (!DOCS_SCREENSHOT.isBlank()) {
                screenshot(browser, Path.of(DOCS_SCREENSHOT));
            }
        });
    }

    interface BrowserCheck {
        void run(WebDriver browser, WebDriverWait wait) throws IOException;
    }

    /** Serves the report, opens its suites page in headless Chromium and runs {@code check} there. */
    private static void inBrowser(BrowserCheck check) throws IOException {
        assumeTrue(Files.isRegularFile(REPORT.resolve("index.html")),
                "No Allure report at " + REPORT.toAbsolutePath() + "; it is generated by mvn verify before this check");
        assumeTrue(Files.isExecutable(DRIVER),
                "No chromedriver at " + DRIVER + "; install chromium and chromium-driver (apt) or set -Dchromedriver.path");
        ChromeOptions options = new ChromeOptions()
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        if (Files.isExecutable(CHROMIUM)) {
            options.setBinary(CHROMIUM.toFile());
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        try (ReportServer server = ReportServer.start(REPORT, 0)) {
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.get(server.uri().resolve("index.html#suites").toString());
                check.run(browser, new WebDriverWait(browser, Duration.ofSeconds(30)));
            } finally {
                browser.quit();
            }
        }
    }

    private static void screenshot(WebDriver browser, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void click(WebDriverWait wait, String xpath) {
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath(xpath))).click();
    }

    /**
     * The critique the report should show, read from the committed store rather than written here:
     * the assistant's new answer replayed from the answer store, then Auto-J's judgment of it.
     */
    private static String publishedCritiqueOfTheNewPostSummary() throws IOException {
        String query = null;
        for (String line : Files.readAllLines(Path.of("src/test/resources", GenerateSampleData.REQUESTS_FILE), StandardCharsets.UTF_8)) {
            JsonNode request = line.isBlank() ? null : new ObjectMapper().readTree(line);
            if (request != null && request.path("id").asText().equals("post-summary")) {
                query = request.path("query").asText();
            }
        }
        assertThat(query).as("request post-summary in " + GenerateSampleData.REQUESTS_FILE).isNotNull();
        Path store = Path.of("src/test/resources", GenerateSampleData.STORE_DIR);
        String answer = new Assistant(RecordedChatModel.wrap(AssistantModel.openAi(), Recorder.using(StoreMode.REPLAY, store)),
                PromptVersion.NEXT).answer(query);
        String prompt = PromptBuilder.single(Language.EN, query, answer).text();
        String key = JudgmentStore.key(TestbedImport.MODEL_ID, Protocol.SINGLE, Language.EN, prompt, GenerationRequest.AUTOJ_MAX_NEW_TOKENS);
        return JudgmentStore.open(store).find(key).orElseThrow().rawOutput();
    }
}
