# Writes OUTPUT, a C++ file defining fnprof::kReportCss and fnprof::kReportJs
# with the contents of CSS and JS as raw string literals.
# Run by tools/CMakeLists.txt: cmake -DOUTPUT=... -DCSS=... -DJS=... -P this file.
file(READ ${CSS} css)
file(READ ${JS} js)
set(delimiter "fnprof_asset")
foreach(content IN ITEMS "${css}" "${js}")
  string(FIND "${content}" ")${delimiter}\"" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "an HTML asset contains the raw string delimiter )${delimiter}\"")
  endif()
endforeach()
file(WRITE ${OUTPUT}.tmp
  "// Generated from tools/report/report_html/ by embed_assets.cmake; do not edit.\n"
  "namespace fnprof {\n"
  "extern const char kReportCss[] = R\"${delimiter}(${css})${delimiter}\";\n"
  "extern const char kReportJs[] = R\"${delimiter}(${js})${delimiter}\";\n"
  "}  // namespace fnprof\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
