package org.dmemu.web;

import java.util.List;
import java.util.Map;

/**
 * One step of the teaching trace as the web view shows it: the NetBSD function the step is named
 * after, its call depth, the lane of the sequence diagram it belongs to, its named values and its
 * {@code --trace} text.
 *
 * @param seq      increasing number of the step since the view started
 * @param request  number of the request (ioctl or strategy call) the step belongs to
 * @param depth    call depth (the trace's indentation level)
 * @param function the NetBSD function the step is named after ({@code dm_table_load_ioctl})
 * @param lane     the sequence diagram's lane ({@link SourceMap#lane})
 * @param text     the trace line without its indentation, exactly as {@code --trace} prints it
 *                 (with the thread's label, {@code [kmirrord] }, in front when it has one)
 * @param values   the step's named values, in the order the text shows them
 *                 ({@link org.dmemu.sys.TraceEvent#values})
 */
record TraceStep(long seq, long request, int depth, String function, String lane, String text,
                 Map<String, Object> values) {

    /** Writes the step as a JSON object, with where it lives in dmemu and in NetBSD. */
    void toJson(Json j) {
        SourceMap.Source src = SourceMap.of(function);
        j.beginObject()
                .field("seq", seq)
                .field("request", request)
                .field("depth", depth)
                .field("function", function)
                .field("lane", lane)
                .field("text", text)
                .field("javaClass", src.javaClass())
                .field("netbsdFile", src.netbsdFile());
        j.key("values").beginObject();
        for (Map.Entry<String, Object> v : values.entrySet()) {
            j.key(v.getKey());
            value(j, v.getValue());
        }
        j.endObject().endObject();
    }

    private static void value(Json j, Object v) {
        if (v == null) {
            j.value((String) null);
        } else if (v instanceof Long || v instanceof Integer) {
            j.value(((Number) v).longValue());
        } else if (v instanceof Boolean b) {
            j.value(b);
        } else if (v instanceof List<?> l) {
            j.beginArray();
            for (Object o : l) {
                j.value(String.valueOf(o));
            }
            j.endArray();
        } else {
            j.value(String.valueOf(v));
        }
    }
}
