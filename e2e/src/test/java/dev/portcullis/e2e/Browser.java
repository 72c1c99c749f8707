package dev.portcullis.e2e;

import dev.portcullis.testsupport.Processes;
import dev.portcullis.testsupport.RepositoryRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium (deploy/local/browser.sh), as the pages' tests drive it: signing in on Keycloak's own login page,
 * waiting for what a person would wait for (and saying where the browser is and what it shows when it never comes), and
 * screenshots for the README.
 */
final class Browser implements AutoCloseable {

    final WebDriver driver;
    private final WebDriverWait wait;

    private Browser(WebDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    static Browser open() throws Exception {
        List<String> paths = Processes.run(List.of(RepositoryRoot.get().resolve("deploy/local/browser.sh").toString()), 900).lines()
                .filter(l -> l.startsWith("/")).toList();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(paths.get(0));
        // Chromium as the machine's notes say: no sandbox (root), and no background traffic to a closed network
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=en",
                "--user-data-dir=" + Files.createTempDirectory("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(paths.get(1)).toFile()).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 1000));
        return new Browser(driver);
    }

    /** Waits for the condition; on a timeout, says where the browser is and what it shows. */
    <T> T until(Function<? super WebDriver, T> condition) {
        try {
            return wait.until(d -> {
                try {
                    return condition.apply(d);
                } catch (WebDriverException e) {
                    // the page re-rendered while the condition looked at one of its nodes (Chromium: "Node with given id does not
                    // belong to the document", seen in CI after a click): look again
                    if (e instanceof StaleElementReferenceException || String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                        return null;
                    }
                    throw e;
                }
            });
        } catch (TimeoutException e) {
            String text = driver.findElement(By.tagName("body")).getText();
            throw new AssertionError("at " + driver.getCurrentUrl() + ", showing:\n" + text.substring(0, Math.min(2000, text.length())), e);
        }
    }

    /** Keycloak's login page, as the demo user (password: the user's name). */
    void signIn(String user) {
        until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(user);
        driver.findElement(By.id("kc-login")).click();
    }

    /** Runs a script of the page, with its session, that calls back the result (the script's last argument). */
    Object runAsync(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    /** The page as it is now, in e2e/target/NAME (docs/ keeps a copy of those the README shows). */
    void screenshot(String name) {
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Path target = RepositoryRoot.get().resolve("e2e/target/" + name);
        try {
            Files.createDirectories(target.getParent());
            Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
