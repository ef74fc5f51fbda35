package io.couponsync.jobs.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.mongodb.client.MongoClient;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.simulator.SolanaSimulator;

/**
 * The console in a real Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by Selenium) against
 * the whole application on a real port: an operator who has never seen the project logs in, sees the failed
 * execution, finds why it failed, restarts it and watches it complete, then re-queues a dead letter. Screenshots of
 * each stage are kept under {@code target/console-screenshots/}.
 */
@SpringBootTest(classes = JobsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.additional-location=file:../config/", "sync.listener.enabled=false" })
class ConsoleBrowserIT {

	private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	private static final SolanaSimulator simulator = ConsoleScenario.simulator();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ConsoleScenario.register(registry, simulator, "console-browser-it");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.close();
	}

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private MongoClient mongo;

	private WebDriver browser;

	private WebDriverWait wait;

	@BeforeEach
	void openBrowser() throws IOException {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(executable("chromium"));
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
		// why: the Debian driver, never one Selenium Manager would download
		ChromeDriverService driver = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(executable("chromedriver"))).usingAnyFreePort().build();
		browser = new ChromeDriver(driver, options);
		wait = new WebDriverWait(browser, Duration.ofSeconds(60));
		wait.ignoring(StaleElementReferenceException.class);
		Files.createDirectories(SCREENSHOTS);
	}

	@AfterEach
	void closeBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void anOperatorFindsWhyAJobFailedBringsItBackAndRequeuesADeadLetter() throws Exception {
		JobExecution failed = ConsoleScenario.failedBackfill(context, simulator);
		String deadLetter = ConsoleScenario.deadLetter(context, simulator, "browser-" + UUID.randomUUID());

		// log in
		browser.get("http://127.0.0.1:" + port + "/");
		wait.until(ExpectedConditions.urlContains("/login"));
		browser.findElement(By.id("username")).sendKeys(ConsoleScenario.ADMIN);
		browser.findElement(By.id("password")).sendKeys(ConsoleScenario.ADMIN_PASSWORD);
		browser.findElement(By.cssSelector("button[type=submit]")).click();

		// the jobs page shows the failed execution
		WebElement backfill = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("job-backfillJob")));
		assertThat(backfill.getText()).contains("FAILED").contains(String.valueOf(failed.getId()));
		screenshot("1-jobs");

		// parameters being typed survive the table's refresh every 5 s
		backfill.findElement(By.name("parameters")).sendKeys("fromSlot=42");
		JavascriptExecutor script = (JavascriptExecutor) browser;
		script.executeScript("window.refreshes = 0;"
				+ " document.body.addEventListener('htmx:afterSwap', () => window.refreshes++);");
		wait.until(done -> ((Number) script.executeScript("return window.refreshes;")).intValue() >= 1);
		assertThat(browser.findElement(By.id("launch-parameters-backfillJob")).getDomProperty("value"))
			.isEqualTo("fromSlot=42");
		backfill = browser.findElement(By.id("job-backfillJob"));

		// why it failed
		backfill.findElement(By.linkText("see why it failed")).click();
		WebElement reason = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("reason")));
		assertThat(reason.getText()).contains("HTTP 429").contains("getSignaturesForAddress");
		assertThat(browser.findElement(By.id("steps")).getText()).contains("backfillCrawlStep").contains("FAILED");
		screenshot("2-why-it-failed");

		// restart it, confirm, and watch it complete
		browser.findElement(By.id("restart")).click();
		wait.until(ExpectedConditions.alertIsPresent()).accept();
		WebElement result = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("result")));
		assertThat(result.getText()).contains("Restart of backfillJob execution " + failed.getId());
		wait.until(page -> newestExecution().getText().contains("COMPLETED"));
		assertThat(newestExecution().getAttribute("id")).isNotEqualTo("execution-" + failed.getId());
		screenshot("3-restarted-and-completed");

		// re-queue a dead letter
		browser.findElement(By.linkText("Dead letters")).click();
		WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("dead-letter-" + deadLetter)));
		assertThat(row.getText()).contains("discriminator");
		row.findElement(By.name("signature")).click();
		screenshot("4-dead-letters");
		browser.findElement(By.id("requeue-selected")).click();
		wait.until(ExpectedConditions.alertIsPresent()).accept();
		assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("result"))).getText())
			.contains("1 of 1 dead letters re-queued");
		assertThat(mongo.getDatabase("coupon_sync").getCollection("staged_transactions")
			.find(new Document("_id", deadLetter)).first().getString("status")).isEqualTo("received");

		// a refresh after the session ended leads to the login page instead of emptying the tables
		browser.findElement(By.linkText("Jobs")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("job-backfillJob")));
		browser.manage().deleteAllCookies();
		wait.until(ExpectedConditions.urlContains("/login"));
	}

	private WebElement newestExecution() {
		List<WebElement> rows = browser.findElements(By.cssSelector("#executions tbody tr"));
		return rows.get(0);
	}

	private void screenshot(String name) throws IOException {
		File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

	/** A program on the PATH; .ci/run installs Debian's chromium and chromium-driver. */
	private static String executable(String name) {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(directory, name);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new IllegalStateException(name + " is not on the PATH: install Debian's chromium and chromium-driver "
				+ "(apt-get install -y chromium chromium-driver), as .ci/run does");
	}
}
