# SPDX-License-Identifier: Apache-2.0
# Certificate bundle (src/bundle, include/esp_crt_bundle.h): the generator as a host tool,
# and the default bundle built from the build machine's ca-certificates into the library.
#
# Included from the top CMakeLists.txt after cmake/mbedtls.cmake (needs SDKCONFIG,
# ESP_TLS_CONFIG_DIR and the Mbed TLS targets). Defines:
#   esp_crt_bundle_gen          the generator tool (tools/bundle), a host executable
#   esp_crt_bundle_default      target: the default bundle's files
#   ESP_TLS_EXTRA_SOURCES       appended: the generated C source of the default bundle (the
#                               library must compile it: esp_crt_bundle.c references it)
#   ESP_TLS_BUNDLE_BIN          the default bundle as a file (ESP-IDF's x509_crt_bundle)
#   ESP_TLS_BUNDLE_ENABLED      CONFIG_MBEDTLS_CERTIFICATE_BUNDLE is on
#   ESP_TLS_BUNDLE_CROSS_SIGNED CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY is on
#   ESP_TLS_BUNDLE_BUILTIN      the library has a built-in bundle (not NONE without custom roots)
#   ESP_TLS_BUNDLE_CMN_CSV      the label list of the "common" subset
#
# Where the roots come from (ESP_TLS_CA_CERTIFICATES): Debian's ca-certificates package, one
# file per root under /usr/share/ca-certificates/mozilla (file names carry the labels that the
# "common" subset filters on); else the concatenated /etc/ssl/certs/ca-certificates.crt
# (which also holds locally added CAs, and has no labels).

if(EXISTS "/usr/share/ca-certificates/mozilla")
    set(esp_tls_ca_default "/usr/share/ca-certificates/mozilla")
else()
    set(esp_tls_ca_default "/etc/ssl/certs/ca-certificates.crt")
endif()
set(ESP_TLS_CA_CERTIFICATES "${esp_tls_ca_default}" CACHE PATH
    "root certificates of the default bundle (directory of PEM/DER files, or one PEM file)")

# Value of CONFIG_<name> in the sdkconfig ("" when unset; quotes removed).
function(esp_tls_bundle_option name out)
    file(STRINGS "${SDKCONFIG}" line REGEX "^CONFIG_${name}=")
    set(value "")
    if(line)
        list(GET line 0 line)
        string(REGEX REPLACE "^CONFIG_${name}=" "" value "${line}")
        string(REGEX REPLACE "^\"(.*)\"$" "\\1" value "${value}")
    endif()
    set(${out} "${value}" PARENT_SCOPE)
endfunction()

esp_tls_bundle_option(MBEDTLS_CERTIFICATE_BUNDLE bundle_on)
esp_tls_bundle_option(MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN bundle_cmn)
esp_tls_bundle_option(MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE bundle_none)
esp_tls_bundle_option(MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE bundle_custom)
esp_tls_bundle_option(MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH bundle_custom_path)
esp_tls_bundle_option(MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS bundle_max)
esp_tls_bundle_option(MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY bundle_cross)
set(ESP_TLS_BUNDLE_ENABLED OFF)
set(ESP_TLS_BUNDLE_CROSS_SIGNED OFF)
set(ESP_TLS_BUNDLE_BUILTIN OFF)
set(ESP_TLS_BUNDLE_CMN_CSV "${CMAKE_SOURCE_DIR}/src/bundle/cmn_crt_authorities.csv")
if(bundle_on STREQUAL "y")
    set(ESP_TLS_BUNDLE_ENABLED ON)
    if(bundle_cross STREQUAL "y")
        set(ESP_TLS_BUNDLE_CROSS_SIGNED ON)
    endif()
endif()

# --- the generator ---------------------------------------------------------------------------
# Not part of the shipped library (which contains only its output): the static library
# esp_tls_bundle_gen (src/bundle/bundle_gen*.c), linked by the generator tool and the tests. It
# needs esp_tls_mem_* and the bundle format: the tool compiles those itself, tests get them from
# esp_tls_objs.
set(esp_tls_bundle_src "${CMAKE_SOURCE_DIR}/src/bundle")
set(esp_tls_gen_warnings -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wvla
    -Wmissing-prototypes -Werror)
add_library(esp_tls_bundle_gen STATIC
    "${esp_tls_bundle_src}/bundle_gen.c"
    "${esp_tls_bundle_src}/bundle_gen_cert.c"
    "${esp_tls_bundle_src}/bundle_gen_input.c"
    "${esp_tls_bundle_src}/bundle_gen_filter.c")
target_include_directories(esp_tls_bundle_gen PUBLIC
    "${CMAKE_SOURCE_DIR}/include" "${ESP_TLS_CONFIG_DIR}" "${esp_tls_bundle_src}")
target_link_libraries(esp_tls_bundle_gen PUBLIC esp_tls_mbedx509) # CA check of the inputs
target_compile_options(esp_tls_bundle_gen PRIVATE ${esp_tls_gen_warnings})

add_executable(esp_crt_bundle_gen
    "${CMAKE_SOURCE_DIR}/tools/bundle/esp_crt_bundle_gen.c"
    "${esp_tls_bundle_src}/bundle_format.c"
    "${CMAKE_SOURCE_DIR}/src/mem/mem.c")
target_link_libraries(esp_crt_bundle_gen PRIVATE esp_tls_bundle_gen)
target_compile_options(esp_crt_bundle_gen PRIVATE ${esp_tls_gen_warnings})
install(TARGETS esp_crt_bundle_gen RUNTIME DESTINATION bin)

# --- the default bundle ------------------------------------------------------------------------
set(ESP_TLS_BUNDLE_DIR "${CMAKE_BINARY_DIR}/bundle")
set(ESP_TLS_BUNDLE_BIN "${ESP_TLS_BUNDLE_DIR}/x509_crt_bundle")
set(esp_tls_bundle_c "${ESP_TLS_BUNDLE_DIR}/esp_crt_bundle_default.c")
set(esp_tls_bundle_args --quiet --output "${ESP_TLS_BUNDLE_BIN}" --c-source "${esp_tls_bundle_c}")
set(esp_tls_bundle_deps esp_crt_bundle_gen "${ESP_TLS_CONFIG_DIR}/sdkconfig.h")

# Inputs of a path (file, or the certificate files of a directory) for the dependencies.
function(esp_tls_bundle_inputs path out)
    if(IS_DIRECTORY "${path}")
        file(GLOB files CONFIGURE_DEPENDS "${path}/*.pem" "${path}/*.crt" "${path}/*.cer"
             "${path}/*.der")
    else()
        set(files "${path}")
    endif()
    set(${out} ${files} PARENT_SCOPE)
endfunction()

if(ESP_TLS_BUNDLE_ENABLED AND NOT bundle_none STREQUAL "y")
    if(NOT EXISTS "${ESP_TLS_CA_CERTIFICATES}")
        message(FATAL_ERROR "certificate bundle: no root certificates at "
                "'${ESP_TLS_CA_CERTIFICATES}' (install Debian's ca-certificates, set "
                "-DESP_TLS_CA_CERTIFICATES=<dir or PEM file>, or choose 'Do not use the default "
                "certificate bundle' in menuconfig)")
    endif()
    if(bundle_cmn STREQUAL "y")
        list(APPEND esp_tls_bundle_args --filter "${ESP_TLS_BUNDLE_CMN_CSV}")
        list(APPEND esp_tls_bundle_deps "${ESP_TLS_BUNDLE_CMN_CSV}")
    endif()
    set(ESP_TLS_BUNDLE_BUILTIN ON)
    list(APPEND esp_tls_bundle_args --input "${ESP_TLS_CA_CERTIFICATES}")
    esp_tls_bundle_inputs("${ESP_TLS_CA_CERTIFICATES}" files)
    list(APPEND esp_tls_bundle_deps ${files})
endif()
if(ESP_TLS_BUNDLE_ENABLED AND bundle_custom STREQUAL "y")
    set(custom "${bundle_custom_path}")
    if(custom STREQUAL "")
        message(FATAL_ERROR "certificate bundle: CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE is on "
                "but CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH is empty")
    endif()
    if(NOT IS_ABSOLUTE "${custom}")
        set(custom "${CMAKE_SOURCE_DIR}/${custom}")
    endif()
    if(NOT EXISTS "${custom}")
        message(FATAL_ERROR "certificate bundle: the custom certificate path '${custom}' "
                "(CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH, relative to ${CMAKE_SOURCE_DIR}) "
                "does not exist")
    endif()
    list(APPEND esp_tls_bundle_args --add "${custom}")
    set(ESP_TLS_BUNDLE_BUILTIN ON)
    esp_tls_bundle_inputs("${custom}" files)
    list(APPEND esp_tls_bundle_deps ${files})
endif()
if(bundle_max)
    list(APPEND esp_tls_bundle_args --max-certs "${bundle_max}")
endif()
esp_tls_bundle_option(MBEDTLS_CERTIFICATE_BUNDLE_DEPRECATED_LIST bundle_deprecated)
if(bundle_deprecated STREQUAL "y")
    message(STATUS "certificate bundle: CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEPRECATED_LIST has no "
            "effect here (Debian's ca-certificates ships no list of removed roots)")
endif()
# Bundle off, or NONE without custom certificates: an empty default (attach then needs
# esp_crt_bundle_set()).
list(APPEND esp_tls_bundle_args --allow-empty)

add_custom_command(
    OUTPUT "${ESP_TLS_BUNDLE_BIN}" "${esp_tls_bundle_c}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${ESP_TLS_BUNDLE_DIR}"
    COMMAND esp_crt_bundle_gen ${esp_tls_bundle_args}
    DEPENDS ${esp_tls_bundle_deps}
    COMMENT "Building the certificate bundle from ${ESP_TLS_CA_CERTIFICATES}"
    VERBATIM)
add_custom_target(esp_crt_bundle_default DEPENDS "${ESP_TLS_BUNDLE_BIN}" "${esp_tls_bundle_c}")
list(APPEND ESP_TLS_EXTRA_SOURCES "${esp_tls_bundle_c}")
# src/bundle/esp_crt_bundle.c references the generated bundle only when this is defined, so the
# library still links in a build that does not include this file.
add_compile_definitions(ESP_TLS_BUNDLE_EMBEDDED=1)
install(FILES "${ESP_TLS_BUNDLE_BIN}" DESTINATION share/esp-tls)
