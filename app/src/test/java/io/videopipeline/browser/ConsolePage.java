package io.videopipeline.browser;

import io.videopipeline.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;

/**
 * The web console (issue 18) in a {@link HeadlessChromium}, through the stable hooks of the console contract
 * ({@code #upload-file}, {@code li.job[data-key]} with {@code .state}, {@code .percent}, ...). Before any page
 * script runs, a recorder is installed in every document: each change of a card's state or percent (with the time),
 * each value of the upload progress bar and text of its status line, and every {@code alert()} a page would have shown — so a test asserts what
 * the page showed over time without sampling it.
 */
final class ConsolePage {
    /** Where the screenshots of a run go: test artifacts, never committed. */
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private static final String RECORDER = """
            window.__alerts = [];
            window.alert = (m) => { window.__alerts.push(String(m)); };
            window.__cards = [];
            window.__progress = [];
            window.__statuses = [];
            document.addEventListener('DOMContentLoaded', () => {
              const library = document.getElementById('library');
              const progress = document.getElementById('upload-progress');
              const last = new Map();
              const cards = () => {
                for (const li of library.querySelectorAll('li.job')) {
                  const key = li.getAttribute('data-key');
                  const state = li.querySelector('.state').textContent;
                  const percent = li.querySelector('.percent').textContent;
                  const seen = last.get(key);
                  if (!seen || seen.state !== state || seen.percent !== percent) {
                    const entry = {key, state, percent, at: Date.now()};
                    last.set(key, entry);
                    window.__cards.push(entry);
                  }
                }
              };
              new MutationObserver(cards).observe(library,
                  {subtree: true, childList: true, characterData: true, attributes: true});
              const status = document.getElementById('upload-status');
              new MutationObserver(() => {
                window.__progress.push(progress.value);
                window.__statuses.push(status.textContent);
              }).observe(status, {subtree: true, childList: true, characterData: true});
            });
            """;

    private final HeadlessChromium browser;
    private final String url;

    ConsolePage(HeadlessChromium browser, String url) {
        this.browser = browser;
        this.url = url;
        browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORDER));
        browser.driver().manage().window().setSize(new Dimension(1280, 1100));
    }

    /** A port free now, for a console whose origin the buckets' CORS rules must name before the runner starts. */

    ConsolePage open() {
        return open("");
    }

    /** The page with a query string, e.g. {@code ?size=2}. */
    ConsolePage open(String query) {
        browser.driver().get(url + query);
        return this;
    }

    /** Chooses a file in {@code #upload-file}, types the key (empty: the file's name) and starts the upload. */
    void upload(Path file, String key) {
        var driver = browser.driver();
        driver.findElement(By.id("upload-file")).sendKeys(file.toAbsolutePath().toString());
        // set as a value, not typed: send_keys would turn the control characters of a hostile key into key presses
        browser.script("const k = document.getElementById('upload-key'); k.value = arguments[0];", key);
        driver.findElement(By.id("upload-start")).click();
    }

    /** The card of a key as the page shows it, or null: key text, its warning, state, percent, ETA, reason. */
    @SuppressWarnings("unchecked")
    Map<String, Object> card(String key) {
        return (Map<String, Object>) browser.script("""
                const li = [...document.querySelectorAll('#library li.job')]
                    .find(e => e.getAttribute('data-key') === arguments[0]);
                if (!li) return null;
                const t = (s) => li.querySelector(s).textContent;
                return {key: t('.key'), warning: t('.key-warning'), state: t('.state'), percent: t('.percent'), eta: t('.eta'),
                        reason: t('.reason'), retryShown: !li.querySelector('.retry').hidden};
                """, key);
    }

    String state(String key) {
        Map<String, Object> card = card(key);
        return card == null ? null : (String) card.get("state");
    }

    /** Clicks a button ({@code .watch}, {@code .retry}, {@code .delete}) on a key's card. */
    void click(String key, String button) {
        browser.script("""
                [...document.querySelectorAll('#library li.job')].find(e => e.getAttribute('data-key') === arguments[0])
                    .querySelector(arguments[1]).click();
                """, key, button);
    }

    /** Every change of a card the page showed, in order: {key, state, percent, at (ms since the epoch)}. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> cardHistory(String key) {
        return ((List<Map<String, Object>>) browser.script("return window.__cards")).stream()
                .filter(e -> key.equals(e.get("key"))).toList();
    }

    @SuppressWarnings("unchecked")
    List<Number> progressValues() {
        return (List<Number>) browser.script("return window.__progress");
    }

    /** Every text the upload's status line showed, in order. */
    @SuppressWarnings("unchecked")
    List<String> statuses() {
        return (List<String>) browser.script("return window.__statuses");
    }

    @SuppressWarnings("unchecked")
    List<String> alerts() {
        return (List<String>) browser.script("return window.__alerts");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> timings() {
        return (Map<String, Object>) browser.script("return window.consoleTimings");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> player() {
        return (Map<String, Object>) browser.script("""
                const v = document.getElementById('player');
                return {src: v.currentSrc, readyState: v.readyState, currentTime: v.currentTime, paused: v.paused,
                        videoWidth: v.videoWidth, error: v.error && (v.error.code + ' ' + v.error.message),
                        poster: v.getAttribute('poster'), watchHidden: document.getElementById('watch').hidden};
                """);
    }

    String text(String selector) {
        return (String) browser.script("const e = document.querySelector(arguments[0]); return e && e.textContent;",
                selector);
    }

    /** The screenshot of the page as it is now, under {@link #SCREENSHOTS}. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path target = SCREENSHOTS.resolve(name + ".png");
        Files.copy(browser.driver().getScreenshotAs(OutputType.FILE).toPath(), target,
                StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** The whole page, beyond the window's height (Chromium's own capture), under {@link #SCREENSHOTS}. */
    Path fullPageScreenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Map<String, Object> shot = browser.driver().executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true));
        Path target = SCREENSHOTS.resolve(name + ".png");
        Files.write(target, Base64.getDecoder().decode((String) shot.get("data")));
        return target;
    }

    /** Scrolls an element into view (for a screenshot of it). */
    void show(String selector) {
        browser.script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", selector);
    }
}
