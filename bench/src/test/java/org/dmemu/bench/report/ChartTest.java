package org.dmemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class ChartTest {
    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void svg_wellFormed_oneLinePerSeriesWithData() throws Exception {
        List<Chart.Series> s = List.of(
                new Chart.Series("dm <linear> & co", List.of(new double[] {512, 100}, new double[] {4096, 900},
                        new double[] {1048576, 12000}), false),
                new Chart.Series("arraycopy", List.of(new double[] {512, 300}, new double[] {1048576, 20000}), true),
                new Chart.Series("empty", List.of(), false));
        Document d = parse(Chart.svg("reads \"1 thread\"", s));
        assertEquals("svg", d.getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", d.getDocumentElement().getNamespaceURI());
        NodeList lines = d.getElementsByTagName("polyline");
        assertEquals(2, lines.getLength());
        assertEquals(3, lines.item(0).getAttributes().getNamedItem("points").getNodeValue().split(" ").length);
        assertEquals("6 4", lines.item(1).getAttributes().getNamedItem("stroke-dasharray").getNodeValue());
        String text = d.getDocumentElement().getTextContent();
        assertTrue(text.contains("dm <linear> & co"), text);
        assertTrue(text.contains("512 B") && text.contains("1 MiB"), text);
        assertTrue(text.contains("10,000"), text); // y decades span 100 .. 100,000
        assertFalse(text.contains("20,000"), text); // three decades: no 2x/5x steps
    }

    @Test
    void svg_pointsInsidePlotArea_largerValuesHigher() throws Exception {
        Document d = parse(Chart.svg("t", List.of(new Chart.Series("a",
                List.of(new double[] {512, 10}, new double[] {65536, 1000}), false))));
        String[] pts = d.getElementsByTagName("polyline").item(0).getAttributes().getNamedItem("points")
                .getNodeValue().split(" ");
        double x0 = Double.parseDouble(pts[0].split(",")[0]), y0 = Double.parseDouble(pts[0].split(",")[1]);
        double x1 = Double.parseDouble(pts[1].split(",")[0]), y1 = Double.parseDouble(pts[1].split(",")[1]);
        assertTrue(x1 > x0 && y1 < y0);
        assertEquals(80.0, x0, 1e-9); // left edge of the plot
        assertEquals(40.0, y1, 1e-9); // 1000 is the top decade
    }

    @Test
    void svg_narrowRange_twoAndFiveSteps() throws Exception {
        Document d = parse(Chart.svg("t", List.of(new Chart.Series("a",
                List.of(new double[] {4096, 15000}, new double[] {1048576, 40000}), false))));
        String text = d.getDocumentElement().getTextContent();
        assertTrue(text.contains("10,000") && text.contains("20,000") && text.contains("50,000")
                && text.contains("100,000"), text);
    }

    @Test
    void svg_noData_stillWellFormed() throws Exception {
        Document d = parse(Chart.svg("nothing", List.of()));
        assertTrue(d.getDocumentElement().getTextContent().contains("no data"));
    }
}
