# SPDX-License-Identifier: Apache-2.0
# Certificate bundle interop tests (bundle.sh): the example client with --bundle against
# openssl s_server and gnutls-serv. Included from tests/interop/CMakeLists.txt (uses the
# esp_tls_interop_certs fixture and ESP_TLS_INTEROP_CERTS; cmake/bundle.cmake set
# ESP_TLS_BUNDLE_*). Only when the bundle is built: esp-tls calls crt_bundle_attach only then.
if(NOT ESP_TLS_BUNDLE_ENABLED)
    return()
endif()

set(ESP_TLS_INTEROP_BUNDLE_CERTS "${CMAKE_CURRENT_BINARY_DIR}/bundle-certs")
add_test(NAME interop_bundle_certs
         COMMAND sh "${CMAKE_SOURCE_DIR}/tests/certs/gen-bundle.sh" "${ESP_TLS_INTEROP_BUNDLE_CERTS}")
set_tests_properties(interop_bundle_certs PROPERTIES
                     LABELS interop
                     TIMEOUT 120
                     FIXTURES_SETUP esp_tls_interop_bundle_certs)

if(ESP_TLS_BUNDLE_CROSS_SIGNED)
    set(bundle_mode cross)
else()
    set(bundle_mode default)
endif()
if(ESP_TLS_BUNDLE_BUILTIN)
    set(bundle_builtin builtin)
else()
    set(bundle_builtin none)
endif()

# interop_bundle; valgrind_bundle runs it with the client under ESP_TLS_WRAP (tests/run-all.sh)
foreach(kind interop valgrind)
    add_test(NAME ${kind}_bundle
             COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/bundle.sh" "$<TARGET_FILE:esp_tls_client>"
                     "${ESP_TLS_INTEROP_CERTS}" "$<TARGET_FILE:esp_crt_bundle_gen>"
                     "${ESP_TLS_INTEROP_BUNDLE_CERTS}" ${bundle_mode} ${bundle_builtin})
    set_tests_properties(${kind}_bundle PROPERTIES
                         LABELS ${kind}
                         TIMEOUT 600
                         SKIP_RETURN_CODE 77
                         FIXTURES_REQUIRED "esp_tls_interop_certs;esp_tls_interop_bundle_certs")
endforeach()
