package dev.iovirt.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir
    static Path shared;
    static Path json;

    @TempDir
    Path dir;

    @BeforeAll
    static void runIoPaths() {
        json = shared.resolve("io-paths.json");
        CliRunner r = CliRunner.run("run", "../examples/io-paths.yaml", "-o", shared.toString(), "--json", json.toString(), "-q");
        assertThat(r.status()).as(r.err()).isZero();
    }

    @Test
    void htmlFromARunReportHasTheFourChartsAsDecodablePngsAndTheFigures() throws Exception {
        Path html = dir.resolve("report.html");
        CliRunner r = CliRunner.run("report", json.toString(), "-o", html.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("wrote " + html + ": 4 charts and the figures of 1 report (io-paths)\n");
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<title>iovirt report: io-paths</title>")
                .contains("alt=\"VM exits per packet, by exit reason\"", "alt=\"Interrupts per packet, by I/O path\"",
                        "alt=\"Modeled cycles per packet, by I/O path\"", "alt=\"Packets and loss, by VM NIC\"")
                .contains("<td>e1000</td>", "<td>virtio</td>", "<td>sriov-vf</td>", "<td>emu1</td>", "<th>copies/pkt</th>", "Generated ", " CPUs, Java ");
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(page);
        int images = 0;
        while (m.find()) {
            BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isEqualTo(800);
            images++;
        }
        assertThat(images).isEqualTo(4);
    }

    @Test
    void pngIsOneDecodableImageWithTheChartsInTwoRowsOfTwo() throws Exception {
        Path png = dir.resolve("report.png");
        CliRunner r = CliRunner.run("report", json.toString(), "../examples/hello.yaml", "-o", png.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("wrote " + png + ": 4 charts of 2 reports (io-paths, hello)\n");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(1600);
        assertThat(img.getHeight()).isEqualTo(960);
    }

    @Test
    void aMissingOrInvalidReportIsAClearErrorAndWritesNothing() throws Exception {
        Path out = dir.resolve("r.html");
        CliRunner missing = CliRunner.run("report", dir.resolve("nope.json").toString(), "-o", out.toString());
        assertThat(missing.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(missing.err()).isEqualTo("iovirt report: " + dir.resolve("nope.json") + ": no such file\n");

        Path truncated = dir.resolve("truncated.json");
        Files.writeString(truncated, "{\"topology\": \"x\",\n");
        CliRunner bad = CliRunner.run("report", truncated.toString(), "-o", out.toString());
        assertThat(bad.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(bad.err()).startsWith("iovirt report: " + truncated + ":2:1: not a run report: ");

        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"name\": \"not a report\"}");
        assertThat(CliRunner.run("report", other.toString(), "-o", out.toString()).err())
                .isEqualTo("iovirt report: " + other + ": not a run report (no 'topology', 'nics' and 'paths'; write one with iovirt run --json)\n");

        CliRunner ext = CliRunner.run("report", json.toString(), "-o", dir.resolve("r.txt").toString());
        assertThat(ext.status()).isEqualTo(Iovirt.EXIT_USAGE);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("truncated.json", "other.json");
        }
    }
}
