# SPDX-License-Identifier: Apache-2.0
# What libesp_tls.so exports: exactly the functions that include/*.h and include/esp_private/*.h
# declare (for this sdkconfig.h), listed by name in a linker version script generated from the
# headers by cmake/exports.py; every other symbol of ours is local, and the Mbed TLS archives linked in
# keep all their symbols local (--exclude-libs). The tests, examples and tools that call
# internal helpers link esp_tls_objs or the static libesp_tls.a, which are unaffected.
# tests/lint checks the built library against the headers (lint_exports).
#
# Included from CMakeLists.txt after the esp_tls_shared target. Defines:
#   ESP_TLS_EXPORTS_PRE   the preprocessed public headers (input of exports.py)
#   ESP_TLS_EXPORTS_MAP   the version script

set(exports_dir "${CMAKE_BINARY_DIR}/exports")
file(GLOB public_headers CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/include/*.h"
     "${CMAKE_SOURCE_DIR}/include/esp_private/*.h")
set(api_c "")
foreach(h ${public_headers})
    file(RELATIVE_PATH name "${CMAKE_SOURCE_DIR}/include" "${h}")
    string(APPEND api_c "#include \"${name}\"\n")
endforeach()
file(WRITE "${exports_dir}/public_api.c.new" "${api_c}")
configure_file("${exports_dir}/public_api.c.new" "${exports_dir}/public_api.c" COPYONLY)

set(ESP_TLS_EXPORTS_PRE "${exports_dir}/public_api.i")
set(ESP_TLS_EXPORTS_MAP "${exports_dir}/esp_tls.map")
set(pre_defs "")
if(NOT ESP_TLS_MBEDTLS_PREFIX)
    set(pre_defs "-DMBEDTLS_CONFIG_FILE=\"${ESP_TLS_CONFIG_DIR}/mbedtls/mbedtls_config.h\"")
endif()
add_custom_command(
    OUTPUT "${ESP_TLS_EXPORTS_PRE}" "${ESP_TLS_EXPORTS_MAP}"
    COMMAND "${CMAKE_C_COMPILER}" -E -std=gnu11 "-I${CMAKE_SOURCE_DIR}/include"
            "-I${ESP_TLS_CONFIG_DIR}" "-I${ESP_TLS_MBEDTLS_INCLUDE_DIR}" ${pre_defs}
            "${exports_dir}/public_api.c" -o "${ESP_TLS_EXPORTS_PRE}"
    COMMAND "${ESP_TLS_PYTHON}" "${CMAKE_SOURCE_DIR}/cmake/exports.py" map
            --pre "${ESP_TLS_EXPORTS_PRE}" --include-dir "${CMAKE_SOURCE_DIR}/include"
            --out "${ESP_TLS_EXPORTS_MAP}"
    DEPENDS ${public_headers} "${exports_dir}/public_api.c" "${ESP_TLS_CONFIG_DIR}/sdkconfig.h"
            "${CMAKE_SOURCE_DIR}/cmake/exports.py"
    COMMENT "Export list of libesp_tls.so from include/*.h (cmake/exports.py)" VERBATIM)
add_custom_target(esp_tls_exports DEPENDS "${ESP_TLS_EXPORTS_MAP}")
add_dependencies(esp_tls_shared esp_tls_exports)
target_link_options(esp_tls_shared PRIVATE "LINKER:--version-script=${ESP_TLS_EXPORTS_MAP}"
                    "LINKER:--exclude-libs,ALL")
set_property(TARGET esp_tls_shared APPEND PROPERTY LINK_DEPENDS "${ESP_TLS_EXPORTS_MAP}")
