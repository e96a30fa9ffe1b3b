package io.videopipeline;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * The module graph as rules on packages, so that an arrow pointing the wrong way fails here even where Maven's
 * scopes cannot see it (a class placed in the wrong module, a package added to the wrong layer):
 * app (root package, cli, app) -> pipeline -> media <- localcloud, and app reaches localcloud only through
 * ServiceLoader. Main classes only: tests may cross layers to set things up.
 */
class ArchitectureTest {

    private static final String[] MEDIA = {"io.videopipeline.media..", "io.videopipeline.s3..", "io.videopipeline.failure..",
            "io.videopipeline.logging..", "io.videopipeline.emulator.."};
    private static final String[] PIPELINE = {"io.videopipeline.event..", "io.videopipeline.transcode..",
            "io.videopipeline.notify..", "io.videopipeline.metadata..", "io.videopipeline.permissions..",
            "io.videopipeline.aws..", "io.videopipeline.provision..", "io.videopipeline.config..",
            "io.videopipeline.routing..", "io.videopipeline.stream..", "io.videopipeline.jobs..",
            "io.videopipeline.console.."};
    private static final String[] LOCALCLOUD = {"io.videopipeline.localcloud.."};
    private static final String[] APP = {"io.videopipeline", "io.videopipeline.cli..", "io.videopipeline.app.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        ImportOption notTestJars = (Location location) -> !location.contains("-tests.jar");
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(notTestJars)
                .importPackages("io.videopipeline");
    }

    @Test
    void modulesDependOnlyDownwards() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("app").definedBy(APP)
                .layer("pipeline").definedBy(PIPELINE)
                .layer("localcloud").definedBy(LOCALCLOUD)
                .layer("media").definedBy(MEDIA)
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("pipeline").mayOnlyBeAccessedByLayers("app")
                .whereLayer("localcloud").mayNotBeAccessedByAnyLayer()
                .whereLayer("media").mayOnlyBeAccessedByLayers("app", "pipeline", "localcloud");
        rule.check(classes);
    }

    @Test
    void everyPackageBelongsToAModule() {
        // A new top-level package must be placed in a layer above, or the layer rules would not see it.
        noClasses().should().resideOutsideOfPackages(concat(MEDIA, PIPELINE, LOCALCLOUD, APP))
                .check(classes);
    }

    @Test
    void pipelineNeverReachesForTheCliOrTheWiring() {
        noClasses().that().resideInAnyPackage(PIPELINE)
                .should().dependOnClassesThat().resideInAnyPackage("io.videopipeline.cli..", "io.videopipeline.app..")
                .check(classes);
    }

    @Test
    void jobRecordsNeedNoTranscoder() {
        // the transcoders keep job records, never the other way round (jobs <-> transcode was a package cycle)
        noClasses().that().resideInAPackage("io.videopipeline.jobs..")
                .should().dependOnClassesThat().resideInAPackage("io.videopipeline.transcode..")
                .check(classes);
    }

    @Test
    void localCloudSeesMediaOnly() {
        noClasses().that().resideInAnyPackage(LOCALCLOUD)
                .should().dependOnClassesThat().resideInAnyPackage(concat(PIPELINE, APP))
                .check(classes);
    }

    private static String[] concat(String[]... groups) {
        return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
