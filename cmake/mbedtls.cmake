# SPDX-License-Identifier: Apache-2.0
# Mbed TLS 3.6: either built here from Debian's source package with the configuration
# generated from sdkconfig, or an existing install (ESP_TLS_MBEDTLS_PREFIX).
#
# Defines the targets esp_tls_mbedtls (TLS), esp_tls_mbedx509 and esp_tls_mbedcrypto,
# ESP_TLS_MBEDTLS_INCLUDE_DIR and (with ESP_TLS_MBEDTLS_PREFIX) ESP_TLS_MBEDTLS_LIBRARY_DIR.
# The archives built here are plain builds of Mbed TLS's sources: nothing in them refers to
# esp-tls (the TLS layer's hooked copy is src/backend/mbedtls/reach/tls_hooked.c).

if(ESP_TLS_MBEDTLS_PREFIX)
    # A plain Mbed TLS install (include/mbedtls, lib/libmbedtls.a) or the private one of an
    # esp-tls install tree (include/esp-tls/mbedtls, lib/esp-tls/libmbedtls.a).
    if(EXISTS "${ESP_TLS_MBEDTLS_PREFIX}/include/esp-tls/mbedtls/build_info.h")
        set(ESP_TLS_MBEDTLS_INCLUDE_DIR "${ESP_TLS_MBEDTLS_PREFIX}/include/esp-tls")
        set(ESP_TLS_MBEDTLS_LIBRARY_DIR "${ESP_TLS_MBEDTLS_PREFIX}/lib/esp-tls")
    else()
        set(ESP_TLS_MBEDTLS_INCLUDE_DIR "${ESP_TLS_MBEDTLS_PREFIX}/include")
        set(ESP_TLS_MBEDTLS_LIBRARY_DIR "${ESP_TLS_MBEDTLS_PREFIX}/lib")
    endif()
    foreach(lib mbedtls mbedx509 mbedcrypto)
        find_library(ESP_TLS_LIB_${lib} NAMES lib${lib}.a PATHS "${ESP_TLS_MBEDTLS_LIBRARY_DIR}"
                     NO_DEFAULT_PATH REQUIRED)
        add_library(esp_tls_${lib} STATIC IMPORTED GLOBAL)
        set_target_properties(esp_tls_${lib} PROPERTIES
            IMPORTED_LOCATION "${ESP_TLS_LIB_${lib}}"
            INTERFACE_INCLUDE_DIRECTORIES "${ESP_TLS_MBEDTLS_INCLUDE_DIR}")
    endforeach()
    set_property(TARGET esp_tls_mbedtls APPEND PROPERTY INTERFACE_LINK_LIBRARIES esp_tls_mbedx509)
    set_property(TARGET esp_tls_mbedx509 APPEND PROPERTY INTERFACE_LINK_LIBRARIES esp_tls_mbedcrypto)
    set(ESP_TLS_MBEDTLS_VERSION_HEADER "${ESP_TLS_MBEDTLS_INCLUDE_DIR}/mbedtls/build_info.h")
else()
    set(src "${ESP_TLS_MBEDTLS_SRC_DIR}/library")
    set(ESP_TLS_MBEDTLS_INCLUDE_DIR "${ESP_TLS_MBEDTLS_SRC_DIR}/include")
    file(GLOB all_src "${src}/*.c")
    set(x509_src "")
    set(tls_src "")
    set(crypto_src "")
    foreach(f ${all_src})
        get_filename_component(name "${f}" NAME)
        if(name MATCHES "^(x509.*|pkcs7)\\.c$")
            list(APPEND x509_src "${f}")
        elseif(name MATCHES "^(ssl_.*|debug|mps_.*|net_sockets)\\.c$")
            list(APPEND tls_src "${f}")
        else()
            list(APPEND crypto_src "${f}")
        endif()
    endforeach()
    add_library(esp_tls_mbedcrypto STATIC ${crypto_src})
    add_library(esp_tls_mbedx509 STATIC ${x509_src})
    add_library(esp_tls_mbedtls STATIC ${tls_src})
    foreach(t esp_tls_mbedcrypto esp_tls_mbedx509 esp_tls_mbedtls)
        string(REPLACE "esp_tls_" "" out "${t}")
        set_target_properties(${t} PROPERTIES OUTPUT_NAME ${out} C_STANDARD 99)
        target_include_directories(${t} PUBLIC "${ESP_TLS_CONFIG_DIR}" "${ESP_TLS_MBEDTLS_INCLUDE_DIR}"
                                   PRIVATE "${src}")
        target_compile_definitions(${t} PUBLIC
            "MBEDTLS_CONFIG_FILE=\"${ESP_TLS_CONFIG_DIR}/mbedtls/mbedtls_config.h\"")
        target_compile_options(${t} PRIVATE -w)
    endforeach()
    target_link_libraries(esp_tls_mbedx509 PUBLIC esp_tls_mbedcrypto)
    target_link_libraries(esp_tls_mbedtls PUBLIC esp_tls_mbedx509)
    find_package(Threads REQUIRED)
    target_link_libraries(esp_tls_mbedcrypto PUBLIC Threads::Threads)
    set(ESP_TLS_MBEDTLS_VERSION_HEADER "${ESP_TLS_MBEDTLS_INCLUDE_DIR}/mbedtls/build_info.h")
endif()

file(STRINGS "${ESP_TLS_MBEDTLS_VERSION_HEADER}" ver_line REGEX "^#define MBEDTLS_VERSION_NUMBER")
string(REGEX MATCH "0x[0-9A-Fa-f]+" ESP_TLS_MBEDTLS_VERSION_NUMBER "${ver_line}")
if(NOT ESP_TLS_MBEDTLS_VERSION_NUMBER MATCHES "^0x0306")
    message(FATAL_ERROR "Mbed TLS 3.6.x is required; found MBEDTLS_VERSION_NUMBER "
                        "'${ESP_TLS_MBEDTLS_VERSION_NUMBER}' in ${ESP_TLS_MBEDTLS_VERSION_HEADER}")
endif()
message(STATUS "Mbed TLS ${ESP_TLS_MBEDTLS_VERSION_NUMBER}")
# scripts/fetch-mbedtls.sh pins one Debian source package; say so loudly when it is another.
if(NOT ESP_TLS_MBEDTLS_PREFIX AND EXISTS "${ESP_TLS_MBEDTLS_SRC_DIR}/.esp-tls-ok")
    file(STRINGS "${ESP_TLS_MBEDTLS_SRC_DIR}/.esp-tls-ok" stamp)
    if(stamp MATCHES "pinned=no")
        string(REGEX MATCH "package=[^;]*" pkg "${stamp}")
        message(WARNING "NOT THE PINNED MBED TLS: ${pkg} (scripts/fetch-mbedtls.sh pins "
                        "another). Memory figures and the reaches into Mbed TLS internals "
                        "(src/backend/mbedtls/reach/) were checked on the pinned one.")
    endif()
endif()
if(ESP_TLS_MBEDTLS_PREFIX)
    message(STATUS "Mbed TLS from ${ESP_TLS_MBEDTLS_PREFIX}: not the pinned source package")
endif()
