package dev.zkflink.connector.zookeeper.architecture;

import org.apache.flink.annotation.Experimental;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.Public;
import org.apache.flink.annotation.PublicEvolving;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules Flink's own {@code flink-architecture-tests} apply to API marks, and the package
 * layering of this connector, checked on the compiled production classes.
 */
class ProductionCodeArchitectureTest {
    private static final String ROOT = "dev.zkflink.connector.zookeeper";

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                        .importPackages(ROOT);
        // A rule over nothing passes; make sure the import found the code.
        assertThat(production.size()).isGreaterThan(100);
    }

    @Test
    void everyPublicTopLevelTypeIsMarked() {
        ArchRule rule =
                classes()
                        .that()
                        .arePublic()
                        .and()
                        .areTopLevelClasses()
                        .should(beMarked())
                        .because(
                                "users must be able to tell API (@PublicEvolving) from"
                                        + " implementation (@Internal)");
        rule.check(production);
    }

    @Test
    void publicApiExposesOnlyPublicApiTypes() {
        ArchRule rule =
                classes()
                        .that(areApi())
                        .should(exposeOnlyApiTypesOfThisConnector())
                        .because("an @Internal type may change without notice");
        rule.check(production);
    }

    @Test
    void tableIsOnTopOfSourceSinkAndCommon() {
        ArchRule rule =
                noClasses()
                        .that()
                        .resideInAnyPackage(
                                ROOT + ".source..", ROOT + ".sink..", ROOT + ".common..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage(ROOT + ".table..")
                        .because("the DataStream parts must work without the Table API layer");
        rule.check(production);
    }

    @Test
    void commonDependsOnNeitherSourceNorSink() {
        ArchRule rule =
                noClasses()
                        .that()
                        .resideInAPackage(ROOT + ".common..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(ROOT + ".source..", ROOT + ".sink..");
        rule.check(production);
    }

    @Test
    void sourceAndSinkDoNotDependOnEachOther() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".source..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".sink..")
                .check(production);
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".sink..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".source..")
                .check(production);
    }

    /** The two read paths share only {@code source.shared} and the API in {@code source}. */
    @Test
    void snapshotAndChangelogReadsDoNotDependOnEachOther() {
        String snapshot = ROOT + ".source.snapshot..";
        String changelog = ROOT + ".source.changelog..";
        noClasses()
                .that()
                .resideInAPackage(snapshot)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(changelog)
                .check(production);
        noClasses()
                .that()
                .resideInAPackage(changelog)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(snapshot)
                .check(production);
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".source.shared..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(snapshot, changelog)
                .check(production);
    }

    private static boolean isApi(JavaClass type) {
        return type.isAnnotatedWith(PublicEvolving.class) || type.isAnnotatedWith(Public.class);
    }

    private static DescribedPredicate<JavaClass> areApi() {
        return DescribedPredicate.describe(
                "are annotated @Public or @PublicEvolving", ProductionCodeArchitectureTest::isApi);
    }

    private static ArchCondition<JavaClass> beMarked() {
        return new ArchCondition<JavaClass>(
                "be annotated @Public, @PublicEvolving, @Experimental or @Internal") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean marked =
                        isApi(type)
                                || type.isAnnotatedWith(Experimental.class)
                                || type.isAnnotatedWith(Internal.class);
                if (!marked) {
                    events.add(
                            SimpleConditionEvent.violated(type, type.getName() + " is unmarked"));
                }
            }
        };
    }

    /**
     * Public members of an API type (unless the member itself is {@code @Internal}) may name, in
     * their parameters, return type, field type and supertypes, only this connector's API types.
     */
    private static ArchCondition<JavaClass> exposeOnlyApiTypesOfThisConnector() {
        return new ArchCondition<JavaClass>(
                "expose only @Public(Evolving) types of this connector") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                for (JavaClass supertype : supertypes(type)) {
                    if (!addsOnlyFlinkMethods(supertype)) {
                        require(type, supertype, "supertype", events);
                    }
                }
                for (JavaCodeUnit unit : type.getCodeUnits()) {
                    if (!exposed(unit.getModifiers().contains(JavaModifier.PUBLIC), unit)
                            || implementsFlinkMethod(type, unit)) {
                        continue;
                    }
                    if (!unit.getName().equals("<init>")) {
                        require(type, unit.getRawReturnType(), unit.getFullName(), events);
                    }
                    for (JavaClass parameter : unit.getRawParameterTypes()) {
                        require(type, parameter, unit.getFullName(), events);
                    }
                }
                for (JavaField field : type.getFields()) {
                    if (exposed(field.getModifiers().contains(JavaModifier.PUBLIC), field)
                            && !field.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                        require(type, field.getRawType(), field.getFullName(), events);
                    }
                }
            }
        };
    }

    private static boolean exposed(
            boolean isPublic, com.tngtech.archunit.core.domain.properties.CanBeAnnotated member) {
        return isPublic && !member.isAnnotatedWith(Internal.class);
    }

    /**
     * A method that Flink's own interface declares (say {@code Source.restoreEnumerator}) names the
     * types Flink asks for; its signature is Flink's contract, not this connector's.
     */
    private static boolean implementsFlinkMethod(JavaClass type, JavaCodeUnit unit) {
        if (unit.getName().equals("<init>")) {
            return false;
        }
        List<JavaClass> flinkSupertypes = new ArrayList<>(type.getAllRawInterfaces());
        flinkSupertypes.addAll(type.getAllRawSuperclasses());
        for (JavaClass supertype : flinkSupertypes) {
            if (supertype.getPackageName().startsWith(ROOT)) {
                continue;
            }
            for (JavaCodeUnit declared : supertype.getCodeUnits()) {
                if (declared.getName().equals(unit.getName())
                        && declared.getRawParameterTypes().size()
                                == unit.getRawParameterTypes().size()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * An internal interface that declares nothing of its own, only Flink's methods: the version
     * shim {@code WriterInitContextSink}, which bridges {@code Sink.createWriter} across Flink API
     * lines.
     */
    private static boolean addsOnlyFlinkMethods(JavaClass supertype) {
        return supertype.isInterface()
                && supertype.getCodeUnits().stream()
                        .allMatch(unit -> implementsFlinkMethod(supertype, unit));
    }

    private static List<JavaClass> supertypes(JavaClass type) {
        List<JavaClass> result = new ArrayList<>(type.getRawInterfaces());
        type.getRawSuperclass().ifPresent(result::add);
        return result;
    }

    private static void require(
            JavaClass owner, JavaClass used, String where, ConditionEvents events) {
        JavaClass base = used.isArray() ? used.getBaseComponentType() : used;
        if (!base.getPackageName().startsWith(ROOT) || isApi(base) || base.equals(owner)) {
            return;
        }
        // A nested type of an API type (a builder, say) is API with its owner.
        if (base.getEnclosingClass().map(ProductionCodeArchitectureTest::isApi).orElse(false)) {
            return;
        }
        events.add(
                SimpleConditionEvent.violated(
                        owner, where + " exposes " + base.getName() + ", which is not API"));
    }
}
