package org.dmemu.web;

/**
 * One step of the teaching trace as the web view shows it: the NetBSD function the step is named
 * after, its call depth, the lane of the sequence diagram it belongs to, and the full line.
 *
 * @param seq      increasing number of the step since the view started
 * @param request  number of the request (ioctl or strategy call) the step belongs to
 * @param depth    call depth (the trace's indentation level)
 * @param function the NetBSD function the step is named after ({@code dm_table_load_ioctl})
 * @param lane     the sequence diagram's lane ({@link SourceMap#lane})
 * @param text     the trace line without its indentation, exactly as {@code --trace} prints it
 */
record TraceEvent(long seq, long request, int depth, String function, String lane, String text) {

    /** Writes the event as a JSON object, with where the step lives in dmemu and in NetBSD. */
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
                .field("netbsdFile", src.netbsdFile())
                .endObject();
    }
}
