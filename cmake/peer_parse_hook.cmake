# SPDX-License-Identifier: Apache-2.0
# The TLS layer parses the peer's Certificate message itself, with mbedtls_x509_crt_parse_der()
# (TLS 1.2 and 1.3, and session copies) or mbedtls_x509_crt_parse_der_nocopy(). To parse the
# server's intermediates as the policy parses the CAs a user loads (nameConstraints accepted,
# then enforced, src/backend/mbedtls/policy.c), the references of libmbedtls to these two
# functions are renamed to esp_tls_policy_peer_parse_der(_nocopy) with objcopy, after the
# library is built. libmbedtls holds only the TLS objects, none of which defines them.
#
# Pinned to Mbed TLS 3.6.x (cmake/mbedtls.cmake refuses other versions); the build fails if
# the renamed references are not where 3.6 has them (ssl_tls.c), or if one is left.
#
# Included from CMakeLists.txt after cmake/mbedtls.cmake; also run as a script:
#   cmake -DLIB=libmbedtls.a -DOBJCOPY=objcopy -DNM=nm -P cmake/peer_parse_hook.cmake

set(ESP_TLS_PEER_PARSE_RENAMES
    "mbedtls_x509_crt_parse_der=esp_tls_policy_peer_parse_der"
    "mbedtls_x509_crt_parse_der_nocopy=esp_tls_policy_peer_parse_der_nocopy")

if(CMAKE_SCRIPT_MODE_FILE)
    set(args "")
    foreach(r ${ESP_TLS_PEER_PARSE_RENAMES})
        list(APPEND args --redefine-sym "${r}")
    endforeach()
    execute_process(COMMAND "${OBJCOPY}" ${args} "${LIB}" RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "peer_parse_hook: objcopy failed on ${LIB}: ${err}")
    endif()
    execute_process(COMMAND "${NM}" -A "${LIB}" OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "peer_parse_hook: nm failed on ${LIB}")
    endif()
    if(syms MATCHES "U mbedtls_x509_crt_parse_der(_nocopy)?\n")
        message(FATAL_ERROR "peer_parse_hook: ${LIB} still calls mbedtls_x509_crt_parse_der")
    endif()
    if(NOT syms MATCHES "ssl_tls\\.c\\.o: +U esp_tls_policy_peer_parse_der")
        message(FATAL_ERROR "peer_parse_hook: ssl_tls.c no longer parses the peer's chain with "
                            "mbedtls_x509_crt_parse_der(_nocopy) in ${LIB}: the policy cannot "
                            "see the server's intermediates; review the hook for this Mbed TLS")
    endif()
    return()
endif()

if(NOT CMAKE_OBJCOPY OR NOT CMAKE_NM)
    message(FATAL_ERROR "objcopy and nm are needed to hook the TLS layer's certificate parsing")
endif()
set(hook_args -DOBJCOPY=${CMAKE_OBJCOPY} -DNM=${CMAKE_NM}
              -P "${CMAKE_CURRENT_LIST_DIR}/peer_parse_hook.cmake")
if(ESP_TLS_MBEDTLS_PREFIX)
    # An installed Mbed TLS: link a hooked copy (the install's pkg-config still names the
    # original, see docs/COMPAT.md).
    get_target_property(orig esp_tls_mbedtls IMPORTED_LOCATION)
    set(copy "${CMAKE_BINARY_DIR}/mbedtls-hooked/libmbedtls.a")
    file(COPY "${orig}" DESTINATION "${CMAKE_BINARY_DIR}/mbedtls-hooked")
    get_filename_component(orig_name "${orig}" NAME)
    file(RENAME "${CMAKE_BINARY_DIR}/mbedtls-hooked/${orig_name}" "${copy}")
    execute_process(COMMAND "${CMAKE_COMMAND}" -DLIB=${copy} ${hook_args} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "hooking ${orig} failed")
    endif()
    set_target_properties(esp_tls_mbedtls PROPERTIES IMPORTED_LOCATION "${copy}")
else()
    add_custom_command(TARGET esp_tls_mbedtls POST_BUILD
        COMMAND "${CMAKE_COMMAND}" -DLIB=$<TARGET_FILE:esp_tls_mbedtls> ${hook_args}
        COMMENT "Hooking the TLS layer's certificate parsing (peer_parse_hook.cmake)" VERBATIM)
endif()
