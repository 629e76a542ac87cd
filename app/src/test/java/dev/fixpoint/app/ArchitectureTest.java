package dev.fixpoint.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.URI;
import java.net.URISyntaxException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of DESIGN.md §2, checked on the compiled classes of every module (this test
 * lives in {@code app}, the composition root, which sees them all).
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // core's shared test kit
                .importPackages("dev.fixpoint");
    }

    @Test
    void coreUsesTheJdkAndTinyValueLibrariesOnly() {
        classes()
                .that()
                .resideInAPackage("dev.fixpoint.core..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.fixpoint.core..", "com.github.packageurl..", "us.springett.cvss..")
                .because("core is the pure domain: no frameworks, no logging framework, no I/O libraries")
                .check(classes);
    }

    @Test
    void coreDoesNoFileOrNetworkIo() {
        noClasses()
                .that()
                .resideInAPackage("dev.fixpoint.core..")
                .should()
                .dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage(
                                "java.net..", "java.nio.file..", "java.nio.channels..", "java.sql..")
                        // URI is a value: parsing one (a job's HTTP health-check target) does no I/O
                        .and(DescribedPredicate.not(
                                JavaClass.Predicates.belongToAnyOf(URI.class, URISyntaxException.class))))
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.io.File")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.io.FileInputStream")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.ProcessBuilder")
                .because("core reads only the streams it is handed (DESIGN.md §2)")
                .check(classes);
    }

    @Test
    void feedsDependOnCoreAndJacksonOnly() {
        classes()
                .that()
                .resideInAPackage("dev.fixpoint.feeds..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "dev.fixpoint.core..",
                        "dev.fixpoint.feeds..",
                        "com.fasterxml.jackson..",
                        "com.github.packageurl..",
                        "us.springett.cvss..")
                .check(classes);
    }

    @Test
    void agentDependsOnCoreOnly() {
        classes()
                .that()
                .resideInAPackage("dev.fixpoint.agent..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "javax.net.ssl..", // the JDK's TLS API, for the pinned trust manager
                        "dev.fixpoint.core..",
                        "dev.fixpoint.agent..",
                        "com.fasterxml.jackson..")
                .because("the agent must stay small: core, the JDK and a JSON library")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void nothingButTheCompositionRootDependsOnServer() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.fixpoint.server..", "dev.fixpoint.app..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.fixpoint.server..")
                .check(classes);
    }
}
