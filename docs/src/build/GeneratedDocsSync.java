import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps the committed generated parts of the docs equal to what the build generates: the includes (connector
 * attribute tables, Quarkus configuration reference) and the {@code project-version} attribute of {@code antora.yml}.
 * <p>
 * Run by the docs module's build (a single-file Java program, {@code java GeneratedDocsSync.java ...}):
 * {@code refresh} (local builds) rewrites the committed files that differ, as the formatter does with sources;
 * {@code check} (CI) changes nothing and fails, naming every stale file and the command that refreshes it.
 * <p>
 * Arguments: mode, the folder the build generated the includes into, the committed includes folder, the committed
 * antora.yml, the project version, the command that refreshes the files (for the error message).
 */
public class GeneratedDocsSync {

    private static final Pattern PROJECT_VERSION = Pattern.compile("(?m)^(\\s*project-version:)[ \\t]*(.*)$");

    public static void main(String[] args) throws IOException {
        if (args.length != 6 || !Set.of("check", "refresh").contains(args[0])) {
            System.err.println("usage: GeneratedDocsSync check|refresh <generated-includes> <committed-includes>"
                    + " <antora.yml> <project-version> <refresh-command>; got " + Arrays.toString(args));
            System.exit(2);
        }
        boolean refresh = args[0].equals("refresh");
        Path generated = Path.of(args[1]);
        Path committed = Path.of(args[2]);
        Path antora = Path.of(args[3]);
        String version = args[4];
        String refreshCommand = args[5];

        Set<String> generatedNames = fileNames(generated);
        if (generatedNames.isEmpty()) {
            fail("[docs] nothing was generated into " + generated + ": the attribute tables and the configuration"
                    + " reference come from compiling core, runtime and deployment in the same build; run: "
                    + refreshCommand);
        }

        List<String> stale = new ArrayList<>();
        for (String name : generatedNames) {
            Path target = committed.resolve(name);
            String expected = Files.readString(generated.resolve(name));
            if (!Files.exists(target)) {
                stale.add(target + " is missing (generated as " + generated.resolve(name) + ")");
            } else if (!Files.readString(target).equals(expected)) {
                stale.add(target + " differs from what the build generates (" + generated.resolve(name) + ")");
            } else {
                continue;
            }
            if (refresh) {
                Files.createDirectories(committed);
                Files.writeString(target, expected);
            }
        }
        for (String name : fileNames(committed)) {
            if (!generatedNames.contains(name)) {
                stale.add(committed.resolve(name) + " is no longer generated (only generated files belong there)");
                if (refresh) {
                    Files.delete(committed.resolve(name));
                }
            }
        }

        String antoraText = Files.readString(antora);
        Matcher versionLine = PROJECT_VERSION.matcher(antoraText);
        if (!versionLine.find()) {
            fail("[docs] " + antora + " has no 'project-version:' attribute (under asciidoc.attributes); add"
                    + " 'project-version: " + version + "'");
        }
        if (!versionLine.group(2).equals(version)) {
            stale.add(antora + " has project-version " + versionLine.group(2) + ", the project's version is " + version);
            if (refresh) {
                Files.writeString(antora, versionLine.replaceFirst("$1 " + Matcher.quoteReplacement(version)));
            }
        }

        if (stale.isEmpty()) {
            System.out.println("[docs] generated includes and antora.yml are up to date (" + generatedNames.size()
                    + " includes)");
        } else if (refresh) {
            stale.forEach(line -> System.out.println("[docs] refreshed: " + line));
        } else {
            StringBuilder message = new StringBuilder("[docs] committed generated docs are stale:\n");
            stale.forEach(line -> message.append("  - ").append(line).append('\n'));
            message.append("Refresh them with (environment variable CI unset): ").append(refreshCommand)
                    .append("\nand commit the result.");
            fail(message.toString());
        }
    }

    private static Set<String> fileNames(Path folder) throws IOException {
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(Files::isRegularFile).forEach(file -> names.add(file.getFileName().toString()));
            }
        }
        return names;
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }
}
