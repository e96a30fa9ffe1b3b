package io.videopipeline.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium through Debian's chromedriver, both installed by
 * {@code scripts/setup.sh}: a real browser for tests of what people see (playback, the web console). Register it
 * static for one browser per test class, or use {@link #start()} and {@link #close()} directly:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final HeadlessChromium BROWSER = new HeadlessChromium();
 * ...
 * BROWSER.driver().get(pageUrl);
 * BROWSER.await(Duration.ofSeconds(10)).until(d -> BROWSER.script("return document.title").equals("ready"));
 * }</pre>
 *
 * Nothing downloads at run time: the driver and browser paths are always given, so Selenium Manager never runs.
 * A missing browser or driver fails with the command that installs them (never a skip). Each browser gets a fresh
 * temporary home (profile, config with the crash database, cache), so nothing is shared with another run and every
 * process of this browser names that directory; {@link #close()} quits, then ends whatever still runs with it.
 */
public final class HeadlessChromium implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String INSTALL = "run scripts/setup.sh as root (it installs the Debian packages chromium and "
            + "chromium-driver: apt-get install -y chromium chromium-driver)";
    /** How long the browser's processes get to exit after a quit before they are ended by force. */
    private static final Duration EXIT_PATIENCE = Duration.ofSeconds(10);
    /** How long init gets to collect the exit status of the helpers it inherited. */
    private static final Duration REAP_PATIENCE = Duration.ofSeconds(5);
    /**
     * Selenium warns at every start that it has no DevTools module for this Chromium version; none is needed (the
     * one DevTools command used, {@link #clearCache()}, goes through chromedriver) and none could keep up with
     * Debian's browser updates. Held here so the logger, and its level, are not garbage-collected.
     */
    private static final Logger CDP_VERSION_FINDER = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private final Path chromium;
    private final Path chromedriver;
    private Path home;
    private ChromeDriverService service;
    private ChromeDriver driver;

    public HeadlessChromium() {
        this(CHROMIUM, CHROMEDRIVER);
    }

    HeadlessChromium(Path chromium, Path chromedriver) {
        this.chromium = chromium;
        this.chromedriver = chromedriver;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Starts the browser on a blank page. */
    public HeadlessChromium start() throws IOException {
        for (Path tool : List.of(chromium, chromedriver)) {
            if (!Files.isExecutable(tool)) {
                throw new IllegalStateException(tool + " is missing: " + INSTALL);
            }
        }
        home = Files.createTempDirectory("chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(arguments(home.resolve("profile")));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // chromedriver passes its environment on to chromium: its config (crash database) and cache go to the home
        service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort()
                .withEnvironment(Map.of("XDG_CONFIG_HOME", home.resolve("config").toString(),
                        "XDG_CACHE_HOME", home.resolve("cache").toString()))
                .build();
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    /**
     * Headless as root on a machine without a GPU, and quiet: no sandbox (root), no QUIC, first-run pages,
     * background fetches, component updates or sync, so the only traffic is what a test asks for; media may start
     * without a user gesture (a test cannot click "play" first).
     */
    static List<String> arguments(Path profile) {
        return List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + profile);
    }

    public ChromeDriver driver() {
        if (driver == null) {
            throw new IllegalStateException("the browser is not started");
        }
        return driver;
    }

    /** Runs a script in the current page and returns its value (as Selenium converts it: Long, Double, Map...). */
    public Object script(String script, Object... args) {
        return driver().executeScript(script, args);
    }

    /** A wait on the current page: a condition is evaluated every 100 ms until it holds or the timeout. */
    public WebDriverWait await(Duration timeout) {
        return new WebDriverWait(driver(), timeout, Duration.ofMillis(100));
    }

    /** The browser console's messages since the last call (errors of pages and their fetches, e.g. CORS). */
    public List<String> console() {
        return driver().manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString).toList();
    }

    /** Empties the HTTP cache, so the next page fetches everything afresh from the servers. */
    public void clearCache() {
        driver().executeCdpCommand("Network.clearBrowserCache", Map.of());
    }

    /** The processes of this browser still running: chromium, its helpers and its crash handlers. */
    public List<ProcessHandle> processes() {
        // with the separator: every argument naming the home names a file in it, and no other home starts with it
        return home == null ? List.of() : LinuxProcesses.naming(home + File.separator);
    }

    /** Its temporary home (profile, config, cache): every process of this browser names it. */
    Path home() {
        return home;
    }

    /**
     * Quits the browser, stops the driver, ends any process of this browser left running, deletes its home; fails
     * if a process outlives that.
     */
    @Override
    public void close() {
        List<ProcessHandle> seen = processes();
        try {
            if (driver != null) {
                driver.quit();
            }
        } catch (RuntimeException e) {
            // what quit did not end is ended below
        } finally {
            driver = null;
            if (service != null) {
                service.stop();
                service = null;
            }
            endLeftovers(seen);
        }
    }

    /** Those seen before the quit and any found now that are still running. */
    private List<ProcessHandle> running(List<ProcessHandle> seen) {
        return Stream.concat(seen.stream(), processes().stream()).filter(LinuxProcesses::running).distinct().toList();
    }

    private void endLeftovers(List<ProcessHandle> seen) {
        if (home == null) {
            return;
        }
        try {
            Awaitility.await().atMost(EXIT_PATIENCE).pollInterval(Duration.ofMillis(50))
                    .until(() -> running(seen), List::isEmpty);
        } catch (ConditionTimeoutException e) {
            running(seen).forEach(ProcessHandle::destroyForcibly);
            Awaitility.await("chromium processes ended by force").atMost(EXIT_PATIENCE)
                    .pollInterval(Duration.ofMillis(50)).until(() -> running(seen), List::isEmpty);
        }
        // Ended, but until init collects the helpers it inherited they are zombies in pgrep's answer: give it time
        try {
            Awaitility.await().atMost(REAP_PATIENCE).pollInterval(Duration.ofMillis(50))
                    .until(() -> seen.stream().noneMatch(ProcessHandle::isAlive));
        } catch (ConditionTimeoutException e) {
            // harmless: they have exited and hold no resources
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
        home = null;
    }
}
