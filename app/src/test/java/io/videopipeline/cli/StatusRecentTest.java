package io.videopipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordKeys;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.localcloud.LocalCloudExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code status} without keys prints only the records written last, and says that there are more. */
class StatusRecentTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    @Test
    void withoutKeysItPrintsTheNewestAndSaysHowManyThereAre() {
        CLOUD.s3().createBucket(b -> b.bucket("video-transcoded"));
        JobRecordStore store = new JobRecordStore(CLOUD.s3(), "video-transcoded",
                new JobRecordKeys(JobRecordKeys.DEFAULT_PATTERN));
        for (String key : List.of("a.mov", "b.mov", "c.mov")) {
            JobRecord.Source upload = new JobRecord.Source("video-upload", key, "e", 1L);
            store.update(key, current -> JobRecord.submitted(upload, "ffmpeg", "j", null, current,
                    "2026-01-01T00:00:00Z"));
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new StatusCommand(store, new PrintStream(printed, true, StandardCharsets.UTF_8), 2).print(List.of());

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.subList(0, 2)).allMatch(l -> l.startsWith("Submitted  "));
        assertThat(lines.get(2)).isEqualTo("(the 2 records written last of 3; name upload keys to see others)");
    }
}
