package io.videopipeline.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The browser fixture itself: it runs a page's script, leaves no process behind, and says how to install. */
class HeadlessChromiumTest {

    @Test
    void runsAPageAndLeavesNoProcessBehind() throws Exception {
        List<ProcessHandle> running;
        String home;
        try (HeadlessChromium browser = new HeadlessChromium().start(); PageServer pages = PageServer.start()) {
            browser.driver().get(pages.page("/p.html", "<title>t</title><p id=p>x</p>"
                    + "<script>document.getElementById('p').textContent = 6 * 7</script>").toString());
            browser.await(Duration.ofSeconds(10)).until(d -> "42".equals(browser.script(
                    "return document.getElementById('p').textContent")));
            running = browser.processes();
            home = browser.home().toString();
            // the browser, its zygotes, renderers, network service, ... and crash handlers all name the fixture's home
            assertThat(running).hasSizeGreaterThan(5);
        }
        assertThat(running).noneMatch(LinuxProcesses::running);
        assertThat(LinuxProcesses.naming(home)).isEmpty();
        assertThat(Path.of(home)).doesNotExist();
    }

    @Test
    void aMissingBrowserOrDriverFailsWithTheSetupCommand() {
        Path missing = Path.of("/nonexistent/chromium");
        assertThatThrownBy(() -> new HeadlessChromium(missing, HeadlessChromium.CHROMEDRIVER).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("scripts/setup.sh").hasMessageContaining("chromium-driver");
        assertThatThrownBy(() -> new HeadlessChromium(HeadlessChromium.CHROMIUM, missing).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("scripts/setup.sh");
    }
}
