package dev.iovirt.platform.topology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads topologies from files, text or the built-in ones, and answers with a {@link LoadResult}:
 * a valid {@link Topology} or every error of the file. Only I/O problems (a missing file) throw.
 */
public final class TopologyLoader {
    /** Built-in topologies, by name; each is a resource beside this class. */
    public static final List<String> BUILTIN = List.of("demo");

    private TopologyLoader() {
    }

    /**
     * Reads and checks a topology file. Errors name the file as {@code path.toString()}.
     *
     * @throws IOException if the file cannot be read (e.g. {@link java.nio.file.NoSuchFileException})
     */
    public static LoadResult load(Path path) throws IOException {
        return parse(path.toString(), Files.readAllBytes(path));
    }

    /** Checks topology text; errors name {@code fileName}. Never throws. */
    public static LoadResult parse(String fileName, String text) {
        return TopologyParser.parse(fileName, text);
    }

    /** Checks topology bytes, which must be UTF-8 text. Never throws. */
    public static LoadResult parse(String fileName, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new LoadResult.Rejected(List.of(new TopologyError(fileName, 1, 1,
                    "the file is not UTF-8 text — save it as UTF-8")));
        }
        return parse(fileName, text);
    }

    /** The text of a built-in topology, if {@code name} is one. */
    public static Optional<String> builtinText(String name) {
        if (!BUILTIN.contains(name)) {
            return Optional.empty();
        }
        try (InputStream in = TopologyLoader.class.getResourceAsStream(name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("built-in topology " + name + ".yaml is missing from the class path");
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a built-in topology by name ({@code demo}); its errors, if any, name it {@code NAME.yaml}. */
    public static Optional<LoadResult> builtin(String name) {
        return builtinText(name).map(text -> parse(name + ".yaml", text));
    }

    /** The demo topology, which always loads. */
    public static Topology demo() {
        try {
            return builtin("demo").orElseThrow().orElseThrow();
        } catch (TopologyException e) {
            throw new IllegalStateException("the built-in demo topology is invalid:\n" + e.getMessage(), e);
        }
    }
}
