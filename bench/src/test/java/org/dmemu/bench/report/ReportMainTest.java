package org.dmemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMainTest {
    @Test
    void write_reportChartsMachineAndNbdSections(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("machine.txt"), "nproc: 2\n");
        Files.writeString(dir.resolve("nbd.md"), "| op | dmemu MiB/s |\n|---|---:|\n| read | 376 |\n");
        Path md = ReportMain.write(dir, Score.fromJmhJson(ScoreTest.JMH_JSON), "run X");
        String text = Files.readString(md);
        assertTrue(text.startsWith("# run X\n"));
        int nbd = text.indexOf("## NBD: dmemu serve vs nbdkit (bench/nbd-compare.sh)\n\n| op | dmemu MiB/s |");
        int machine = text.indexOf("## Machine\n\n```\nnproc: 2\n```");
        assertTrue(nbd > 0 && machine > nbd, text);
        assertTrue(text.contains("![read.svg](read.svg)") && text.contains("![write.svg](write.svg)"));
        for (String svg : List.of("read.svg", "write.svg")) {
            assertEquals("svg", DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(dir.resolve(svg).toFile()).getDocumentElement().getTagName());
        }
        // the 2-thread linear read from the JSON is in the strategy table
        assertTrue(text.contains("| linear | read | 4 KiB | 2 | 1.23 M ± 2.35 k | 4823 | – | – |"), text);
    }
}
