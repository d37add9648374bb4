# SPDX-License-Identifier: Apache-2.0
# Install tree: include/ (API, sdkconfig.h, Mbed TLS headers with the generated config),
# lib/ (libesp_tls.a/.so and the Mbed TLS static libraries), lib/pkgconfig, lib/cmake, bin/.

file(GLOB ESP_TLS_PUBLIC_HEADERS CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/include/*.h")
install(FILES ${ESP_TLS_PUBLIC_HEADERS} "${ESP_TLS_CONFIG_DIR}/sdkconfig.h" DESTINATION include)
# ESP-IDF's Linux-target flash control (esp_private/partition_linux.h), used by host tests
install(DIRECTORY "${CMAKE_SOURCE_DIR}/include/esp_private" DESTINATION include)
install(FILES "${ESP_TLS_CONFIG_DIR}/config-summary.txt" DESTINATION share/esp-tls)

if(NOT ESP_TLS_MBEDTLS_PREFIX)
    install(DIRECTORY "${ESP_TLS_MBEDTLS_INCLUDE_DIR}/mbedtls" "${ESP_TLS_MBEDTLS_INCLUDE_DIR}/psa"
            DESTINATION include)
    # The generated configuration replaces the stock one, so users need no -D flag.
    install(FILES "${ESP_TLS_CONFIG_DIR}/mbedtls/mbedtls_config.h" DESTINATION include/mbedtls)
    install(TARGETS esp_tls_mbedtls esp_tls_mbedx509 esp_tls_mbedcrypto ARCHIVE DESTINATION lib)
    set(ESP_TLS_PC_MBEDTLS_LIBS "-lmbedtls -lmbedx509 -lmbedcrypto")
else()
    set(ESP_TLS_PC_MBEDTLS_LIBS "-L${ESP_TLS_MBEDTLS_PREFIX}/lib -lmbedtls -lmbedx509 -lmbedcrypto")
endif()

install(TARGETS esp_tls esp_tls_shared ARCHIVE DESTINATION lib LIBRARY DESTINATION lib)

configure_file(cmake/esp-tls.pc.in "${CMAKE_BINARY_DIR}/esp-tls.pc" @ONLY)
install(FILES "${CMAKE_BINARY_DIR}/esp-tls.pc" DESTINATION lib/pkgconfig)

include(CMakePackageConfigHelpers)
configure_file(cmake/esp_tlsConfig.cmake.in "${CMAKE_BINARY_DIR}/esp_tlsConfig.cmake" @ONLY)
write_basic_package_version_file("${CMAKE_BINARY_DIR}/esp_tlsConfigVersion.cmake"
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_BINARY_DIR}/esp_tlsConfig.cmake"
              "${CMAKE_BINARY_DIR}/esp_tlsConfigVersion.cmake"
        DESTINATION lib/cmake/esp_tls)
install(TARGETS esp_tls_client RUNTIME DESTINATION bin)
