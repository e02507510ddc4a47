package dev.usersapi.local.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.declaration.ApiOperation;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.local.LocalOptions;
import dev.usersapi.local.LocalStack;
import dev.usersapi.log.JsonLines;
import dev.usersapi.stream.UserStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The API reference at /docs, in a real headless Chromium: every operation of the contract is
 * listed, and a user created through the page's "Try it out" is then found through the API.
 * Needs Debian's {@code chromium} and {@code chromium-driver}; without them the test is skipped
 * and says so, except under CI, where {@code .ci/run} installs them and a missing browser fails.
 */
class ApiReferencePageTest {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static LocalStack stack;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "no headless browser here: install Debian's chromium and chromium-driver "
                + "(sudo apt-get install chromium chromium-driver), or point CHROMIUM and CHROMEDRIVER at them";
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(missing + "; .ci/run installs them, so under CI their absence is a failure");
        }
        Assumptions.assumeTrue(installed, missing);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                // Headless in a fresh profile; the background-networking flags keep it off a network it cannot reach.
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--window-size=1280,2400", "--user-data-dir=" + Files.createTempDirectory("api-reference-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static LocalStack startStack(String name) {
        var quiet = new JsonLines(new PrintStream(new ByteArrayOutputStream()));
        return LocalStack.start(LocalOptions.parse("--stack", name, "--port", "0", "--in-memory"), ProjectLayout.current(),
                new UserStreamHandler(change -> { }, quiet), Clock.systemUTC());
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, WAIT);
    }

    /** Prod's routes all need a JWT: the page carries the token the stack prints, so "try it" works there too. */
    @ParameterizedTest(name = "stack {0}")
    @ValueSource(strings = {"dev", "prod"})
    void thePageListsEveryOperationAndCreatesAUserThroughTryItOut(String stackName) throws Exception {
        try (LocalStack running = startStack(stackName)) {
            stack = running;
            createThroughThePage(stackName);
        }
    }

    private void createThroughThePage(String stackName) throws Exception {
        browser.get(stack.apiReferenceUrl().toString());
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock")));

        List<String> listed = browser.findElements(By.cssSelector(".opblock-summary-operation-id")).stream()
                .map(WebElement::getText).sorted().toList();
        List<String> contract = OpenApiDocument.operations(ProjectLayout.current().openApiDocument()).stream()
                .map(ApiOperation::operationId).sorted().toList();
        assertEquals(contract, listed, "the page lists exactly the contract's operations");

        String email = "page-" + UUID.randomUUID() + "@example.com";
        WebElement create = browser.findElement(By.id("operations-users-createUser"));
        create.findElement(By.cssSelector(".opblock-summary")).click();
        // The block's content is rendered after the click: look the elements up inside the wait.
        waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#operations-users-createUser .try-out__btn"))).click();
        WebElement body = waiting().until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#operations-users-createUser textarea.body-param__text")));
        body.clear();
        body.sendKeys("{\"name\":\"Page\",\"email\":\"" + email + "\"}");
        waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#operations-users-createUser .execute"))).click();
        WebElement status = waiting().until(driver -> create.findElements(By.cssSelector(".live-responses-table tr.response .response-col_status"))
                .stream().findFirst().filter(cell -> !cell.getText().isBlank()).orElse(null));
        save(browser.getScreenshotAs(OutputType.FILE), stackName);
        assertEquals("201", status.getText().trim().split("\\s+")[0], "the page's create answered");

        HttpRequest.Builder lookup = HttpRequest.newBuilder(stack.baseUrl()
                .resolve("/users?email=" + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8)));
        stack.sampleToken().ifPresent(token -> lookup.header("Authorization", "Bearer " + token));
        HttpResponse<String> found = HttpClient.newHttpClient().send(lookup.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode users = new ObjectMapper().readTree(found.body());
        assertEquals(1, users.size(), "the user the page created, found through the API: " + found.body());
        assertEquals("Page", users.get(0).path("name").asText());
        assertTrue(((JavascriptExecutor) browser).executeScript("return document.title").toString().contains("users-api"));
    }

    private static void save(File screenshot, String stackName) throws Exception {
        Path target = Path.of("target", "api-reference-" + stackName + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(screenshot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
