# SPDX-License-Identifier: Apache-2.0
# Host crypto acceleration (CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL, src/hostcrypto/README.md).
#
# hostcrypto_detect() runs before the configuration is generated: it sets
# ESP_TLS_HOST_LIBCRYPTO=y in the environment of the generator (the Kconfig default of the
# option) when OpenSSL 3's libcrypto is found on x86-64 or aarch64, and, with
# ESP_TLS_MBEDTLS_PREFIX, when that install carries libhostcrypto.a (an accelerated esp-tls
# install tree).
#
# hostcrypto_targets() runs after cmake/mbedtls.cmake: with the option on it defines
# esp_tls_hostcrypto (libhostcrypto.a, built here or taken from ESP_TLS_MBEDTLS_PREFIX),
# which the accelerated esp_tls_mbedcrypto links (and which links it back: the two archives
# refer to each other) together with OpenSSL::Crypto.

function(hostcrypto_detect)
    find_package(OpenSSL 3.0 COMPONENTS Crypto QUIET)
    set(ok OFF)
    if(OpenSSL_FOUND AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|aarch64|arm64)$")
        set(ok ON)
    endif()
    if(ok AND ESP_TLS_MBEDTLS_PREFIX AND
       NOT EXISTS "${ESP_TLS_MBEDTLS_PREFIX}/lib/esp-tls/libhostcrypto.a" AND
       NOT EXISTS "${ESP_TLS_MBEDTLS_PREFIX}/lib/libhostcrypto.a")
        set(ok OFF)
    endif()
    if(ok)
        set(ENV{ESP_TLS_HOST_LIBCRYPTO} "y")
    else()
        set(ENV{ESP_TLS_HOST_LIBCRYPTO} "n")
    endif()
endfunction()

function(hostcrypto_targets)
    # (not a variable named "on": if(NOT on) would test the constant ON)
    file(STRINGS "${ESP_TLS_CONFIG_DIR}/sdkconfig.h" hc_enabled
         REGEX "CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL 1")
    set(ESP_TLS_HOSTCRYPTO OFF PARENT_SCOPE)
    if(NOT hc_enabled)
        return()
    endif()
    find_package(OpenSSL 3.0 COMPONENTS Crypto)
    if(NOT OpenSSL_FOUND)
        message(FATAL_ERROR "CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL needs OpenSSL 3's libcrypto "
                            "(Debian: libssl-dev); install it or turn the option off")
    endif()
    if(ESP_TLS_MBEDTLS_PREFIX)
        find_library(ESP_TLS_LIB_hostcrypto NAMES libhostcrypto.a
                     PATHS "${ESP_TLS_MBEDTLS_LIBRARY_DIR}" NO_DEFAULT_PATH)
        if(NOT ESP_TLS_LIB_hostcrypto)
            message(FATAL_ERROR "CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL is on but the Mbed TLS at "
                                "${ESP_TLS_MBEDTLS_PREFIX} has no libhostcrypto.a: turn it off")
        endif()
        add_library(esp_tls_hostcrypto STATIC IMPORTED GLOBAL)
        set_target_properties(esp_tls_hostcrypto PROPERTIES
            IMPORTED_LOCATION "${ESP_TLS_LIB_hostcrypto}"
            INTERFACE_LINK_LIBRARIES "esp_tls_mbedcrypto;OpenSSL::Crypto")
        set_property(TARGET esp_tls_mbedcrypto APPEND PROPERTY
                     INTERFACE_LINK_LIBRARIES esp_tls_hostcrypto)
    else()
        file(GLOB hc_src CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/src/hostcrypto/*.c")
        add_library(esp_tls_hostcrypto STATIC ${hc_src})
        set_target_properties(esp_tls_hostcrypto PROPERTIES OUTPUT_NAME hostcrypto)
        target_include_directories(esp_tls_hostcrypto PUBLIC "${CMAKE_SOURCE_DIR}/src/hostcrypto")
        target_compile_options(esp_tls_hostcrypto PRIVATE ${ESP_TLS_WARNINGS})
        target_link_libraries(esp_tls_hostcrypto PUBLIC esp_tls_mbedcrypto OpenSSL::Crypto)
        target_link_libraries(esp_tls_mbedcrypto PUBLIC esp_tls_hostcrypto)
    endif()
    set(ESP_TLS_HOSTCRYPTO ON PARENT_SCOPE)
endfunction()
