package io.smallrye.reactive.messaging.kinesis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The layering of the connector core, checked on its compiled classes.
 * <ul>
 * <li>The core runs on any SmallRye Reactive Messaging host: it refers to nothing of Quarkus or of the Quarkus
 * extension. The compiler enforces it as well, Quarkus being absent from the core's class path; the rule names the
 * offending class should a dependency ever bring Quarkus in.</li>
 * <li>The subpackages ({@code client}, {@code incoming}, {@code outgoing}, {@code checkpoint} with {@code dynamodb},
 * {@code fault}, {@code aggregation}, {@code config}, {@code payload}, {@code metrics}, {@code i18n}) are free of
 * cycles. The root package is outside the slices: it holds the connector ({@link KinesisConnector}, which creates the
 * channels) and its generated configuration classes, which every subpackage reads, and the public API, as in the
 * SmallRye Kafka connector.</li>
 * <li>The public API (the message, metadata, send result and write exception of the root package, the failure handler
 * SPI of {@code fault}, the checkpoint store SPI of {@code checkpoint}) shows no implementation package in its public
 * signatures, so those packages can change without breaking applications.</li>
 * </ul>
 */
class LayeringTest {

    static final String CORE = "io.smallrye.reactive.messaging.kinesis";

    /** Packages whose classes applications and SPI implementations do not see. */
    static final String[] IMPLEMENTATION = { CORE + ".aggregation..", CORE + ".checkpoint.dynamodb..",
            CORE + ".client..", CORE + ".config..", CORE + ".i18n..", CORE + ".incoming..", CORE + ".outgoing..",
            CORE + ".payload.." };

    /** The connector's main classes (target/classes), not its tests nor the test support. */
    static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(mainClasses());

    private static Path mainClasses() {
        try {
            return Path.of(KinesisConnector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void coreDependsOnNothingOfQuarkus() {
        assertThat(CLASSES.contain(KinesisConnector.class)).isTrue();
        noClasses().that().resideInAPackage(CORE + "..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.quarkiverse..")
                .check(CLASSES);
    }

    @Test
    void subpackagesAreFreeOfCycles() {
        slices().matching(CORE + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void publicApiShowsNoImplementationPackageInItsSignatures() {
        codeUnits().that(arePublicApi()).should(exposeNoImplementationType()).check(CLASSES);
    }

    /** Public constructors and methods of the public API's public types (nested ones included). */
    static DescribedPredicate<JavaCodeUnit> arePublicApi() {
        return DescribedPredicate.describe("public members of the public API", unit -> unit.getModifiers()
                .contains(JavaModifier.PUBLIC) && isPublicApi(unit.getOwner()));
    }

    static boolean isPublicApi(JavaClass type) {
        if (!type.getModifiers().contains(JavaModifier.PUBLIC)) {
            return false;
        }
        JavaClass top = type;
        while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
        }
        String name = top.getName();
        return name.equals(CORE + ".IncomingKinesisMessage") || name.equals(CORE + ".IncomingKinesisMetadata")
                || name.equals(CORE + ".OutgoingKinesisMetadata") || name.equals(CORE + ".KinesisSendResult")
                || name.equals(CORE + ".KinesisWriteException")
                || name.equals(CORE + ".fault.KinesisFailureHandler")
                || name.equals(CORE + ".checkpoint.CheckpointStore") || name.equals(CORE + ".checkpoint.ShardClaim")
                || name.equals(CORE + ".checkpoint.ShardInfo") || name.equals(CORE + ".checkpoint.ShardPosition");
    }

    static ArchCondition<JavaCodeUnit> exposeNoImplementationType() {
        return new ArchCondition<>("expose no type of an implementation package") {
            @Override
            public void check(JavaCodeUnit unit, ConditionEvents events) {
                Set<JavaClass> involved = new HashSet<>(
                        unit.getReturnType().getAllInvolvedRawTypes());
                unit.getParameterTypes().forEach(type -> involved.addAll(type.getAllInvolvedRawTypes()));
                unit.getExceptionTypes().forEach(involved::add);
                for (JavaClass type : involved) {
                    if (isImplementation(type)) {
                        events.add(SimpleConditionEvent.violated(unit,
                                unit.getFullName() + " exposes " + type.getName()));
                    }
                }
            }
        };
    }

    static boolean isImplementation(JavaClass type) {
        String name = type.getPackageName();
        for (String pattern : IMPLEMENTATION) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            if (name.equals(prefix) || name.startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }
}
