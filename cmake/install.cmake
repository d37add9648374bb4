# SPDX-License-Identifier: Apache-2.0
# The install tree, laid out as a Debian packager expects, so that an install to /usr/local (or
# /usr) sits beside Debian's own Mbed TLS 2.28 and clashes with nothing:
#
#   include/esp-tls/           our API headers (include/**/*.h, subfolders kept), sdkconfig.h,
#                              esp_err.h, esp_log.h, and the Mbed TLS 3.6 headers (mbedtls/, psa/,
#                              everest/) with the generated mbedtls_config.h in place of the stock one
#   lib/libesp_tls.so.0*       the shared library under its SONAME in the ordinary library folder,
#   lib/libesp_tls.so, .a      so that ldconfig finds it without an rpath and a runtime package
#                              (libesp-tls0) ships just that file, with the -dev symlink and the
#                              static archive beside it, as for every other Debian library
#   lib/esp-tls/libmbed*.a     the private Mbed TLS 3.6 archives: plain builds of Mbed TLS's
#                              sources (no esp-tls symbol in them), needed only by static links and
#                              by applications that call Mbed TLS on esp_tls_get_ssl_context();
#                              a package's private folder (Debian policy 10.2), so that -lmbedtls
#                              without -L.../esp-tls still finds Debian's 2.28
#   lib/pkgconfig/esp-tls.pc   Cflags -I${includedir}/esp-tls; written at install time with the
#                              absolute prefix (a relative PKG_CONFIG_PATH then still gives
#                              absolute -L and rpath)
#   lib/cmake/esp_tls/         find_package(esp_tls): esp_tls::esp_tls (static), esp_tls::shared
#   share/esp-tls/             config-summary.txt (and the bundle, cmake/bundle.cmake)
#   bin/esp-tls                the command-line tool
#
# ESP-IDF code keeps writing #include "esp_tls.h": the namespacing lives in the -I flag.

set(ESP_TLS_INSTALL_INCDIR include/esp-tls)
set(ESP_TLS_INSTALL_PRIVLIBDIR lib/esp-tls)

# Every header under include/ (other modules add theirs, in subfolders too, without edits here).
file(GLOB_RECURSE ESP_TLS_PUBLIC_HEADERS CONFIGURE_DEPENDS RELATIVE "${CMAKE_SOURCE_DIR}/include"
     "${CMAKE_SOURCE_DIR}/include/*.h")
foreach(h ${ESP_TLS_PUBLIC_HEADERS})
    get_filename_component(sub "${h}" DIRECTORY)
    install(FILES "${CMAKE_SOURCE_DIR}/include/${h}" DESTINATION "${ESP_TLS_INSTALL_INCDIR}/${sub}")
endforeach()
install(FILES "${ESP_TLS_CONFIG_DIR}/sdkconfig.h" DESTINATION "${ESP_TLS_INSTALL_INCDIR}")
install(FILES "${ESP_TLS_CONFIG_DIR}/config-summary.txt" DESTINATION share/esp-tls)

if(NOT ESP_TLS_MBEDTLS_PREFIX)
    foreach(d mbedtls psa everest)
        if(EXISTS "${ESP_TLS_MBEDTLS_INCLUDE_DIR}/${d}")
            install(DIRECTORY "${ESP_TLS_MBEDTLS_INCLUDE_DIR}/${d}" DESTINATION "${ESP_TLS_INSTALL_INCDIR}")
        endif()
    endforeach()
    # The generated configuration replaces the stock one, so users need no -D flag.
    install(FILES "${ESP_TLS_CONFIG_DIR}/mbedtls/mbedtls_config.h"
            DESTINATION "${ESP_TLS_INSTALL_INCDIR}/mbedtls")
    install(TARGETS esp_tls_mbedtls esp_tls_mbedx509 esp_tls_mbedcrypto
            ARCHIVE DESTINATION "${ESP_TLS_INSTALL_PRIVLIBDIR}")
    set(ESP_TLS_PC_MBEDTLS_LIBS "-L\${libdir}/esp-tls -lmbedtls -lmbedx509 -lmbedcrypto")
    if(ESP_TLS_HOSTCRYPTO)
        # the accelerator under libmbedcrypto.a (the two refer to each other) and libcrypto
        install(TARGETS esp_tls_hostcrypto ARCHIVE DESTINATION "${ESP_TLS_INSTALL_PRIVLIBDIR}")
        string(APPEND ESP_TLS_PC_MBEDTLS_LIBS " -lhostcrypto -lmbedcrypto -lcrypto")
    endif()
    set(ESP_TLS_PC_MBEDTLS_CFLAGS "")
else()
    set(ESP_TLS_PC_MBEDTLS_LIBS
        "-L${ESP_TLS_MBEDTLS_LIBRARY_DIR} -lmbedtls -lmbedx509 -lmbedcrypto")
    if(ESP_TLS_HOSTCRYPTO)
        string(APPEND ESP_TLS_PC_MBEDTLS_LIBS " -lhostcrypto -lmbedcrypto -lcrypto")
    endif()
    set(ESP_TLS_PC_MBEDTLS_CFLAGS " -I${ESP_TLS_MBEDTLS_INCLUDE_DIR}")
endif()

install(TARGETS esp_tls esp_tls_shared ARCHIVE DESTINATION lib LIBRARY DESTINATION lib)

# esp-tls.pc: the template is filled in at install time, when the prefix is known (cmake
# --install --prefix, or CMAKE_INSTALL_PREFIX; DESTDIR is not part of it, as packagers need).
set(ESP_TLS_PC_VERSION "${PROJECT_VERSION}")
set(ESP_TLS_PC_PREFIX "@ESP_TLS_PC_PREFIX@") # kept for the install-time pass
set(ESP_TLS_PC_RPATH "@ESP_TLS_PC_RPATH@")
configure_file(cmake/esp-tls.pc.in "${CMAKE_BINARY_DIR}/esp-tls.pc.in" @ONLY)
install(CODE "
    set(ESP_TLS_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    if(ESP_TLS_PC_PREFIX STREQUAL \"/usr\")
        set(ESP_TLS_PC_RPATH \"\") # the ordinary library folder needs no rpath
    else()
        set(ESP_TLS_PC_RPATH \" -Wl,-rpath,\\\${libdir}\")
    endif()
    configure_file(\"${CMAKE_BINARY_DIR}/esp-tls.pc.in\" \"${CMAKE_BINARY_DIR}/pc/esp-tls.pc\" @ONLY)
")
install(FILES "${CMAKE_BINARY_DIR}/pc/esp-tls.pc" DESTINATION lib/pkgconfig)

include(CMakePackageConfigHelpers)
configure_file(cmake/esp_tlsConfig.cmake.in "${CMAKE_BINARY_DIR}/esp_tlsConfig.cmake" @ONLY)
write_basic_package_version_file("${CMAKE_BINARY_DIR}/esp_tlsConfigVersion.cmake"
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_BINARY_DIR}/esp_tlsConfig.cmake"
              "${CMAKE_BINARY_DIR}/esp_tlsConfigVersion.cmake"
        DESTINATION lib/cmake/esp_tls)
install(TARGETS esp_tls_client RUNTIME DESTINATION bin)
