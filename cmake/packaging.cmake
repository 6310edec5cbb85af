# Installing sgwatch as a system service, and the Debian package made from that install.
#
#   cmake --install build --prefix /usr           # as root, or with DESTDIR=... to stage
#   cpack --config build/CPackConfig.cmake -G DEB -B build/packages
#
# The units, the default config path compiled into the binary (/etc/sgwatch/sgwatch.toml)
# and the maintainer scripts assume the prefix /usr, as for any distribution package.
include(GNUInstallDirs)

set(SGWATCH_PACKAGING_DIR ${CMAKE_SOURCE_DIR}/packaging)

# The man page comes from the built binary's own command table (`sgwatch man`), so it
# cannot miss a command or an option. gzip -n: the same sources give the same bytes.
set(SGWATCH_MAN_PAGE ${CMAKE_BINARY_DIR}/man/sgwatch.1.gz)
add_custom_command(
  OUTPUT ${SGWATCH_MAN_PAGE}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
  COMMAND sh -c "\"$1\" man > \"$2\" && gzip -9n -c \"$2\" > \"$3\"" sh
          $<TARGET_FILE:sgwatch> ${CMAKE_BINARY_DIR}/man/sgwatch.1 ${SGWATCH_MAN_PAGE}
  DEPENDS sgwatch
  VERBATIM
  COMMENT "Generating the man page sgwatch.1")
add_custom_target(sgwatch_man_page ALL DEPENDS ${SGWATCH_MAN_PAGE})

# The bash completion, from the same table (`sgwatch completion bash`), where
# bash-completion loads it on demand.
set(SGWATCH_BASH_COMPLETION ${CMAKE_BINARY_DIR}/completion/sgwatch)
add_custom_command(
  OUTPUT ${SGWATCH_BASH_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/completion
  COMMAND sh -c "\"$1\" completion bash > \"$2\"" sh
          $<TARGET_FILE:sgwatch> ${SGWATCH_BASH_COMPLETION}
  DEPENDS sgwatch
  VERBATIM
  COMMENT "Generating the bash completion")
add_custom_target(sgwatch_bash_completion ALL DEPENDS ${SGWATCH_BASH_COMPLETION})

install(TARGETS sgwatch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${SGWATCH_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${SGWATCH_BASH_COMPLETION}
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# Units and the sysusers.d file go under the prefix's lib/, where systemd looks for
# vendor files (/usr/lib/systemd/system, /usr/lib/sysusers.d); never into /etc, which is
# the operator's.
install(FILES ${SGWATCH_PACKAGING_DIR}/systemd/sgwatch.service
              ${SGWATCH_PACKAGING_DIR}/systemd/sgwatch-once.service
              ${SGWATCH_PACKAGING_DIR}/systemd/sgwatch.timer
        DESTINATION lib/systemd/system)
install(FILES ${SGWATCH_PACKAGING_DIR}/sysusers.d/sgwatch.conf DESTINATION lib/sysusers.d)

file(GLOB SGWATCH_EXAMPLE_CONFIGS ${SGWATCH_PACKAGING_DIR}/*.toml)
install(FILES ${SGWATCH_EXAMPLE_CONFIGS}
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")

# The config: always /etc/sgwatch, whatever the prefix, since the binary and the units
# look for it there. Mode 0640: it may come to hold secrets; the package gives it the group
# sgwatch (postinst), a hand install leaves that to the operator. An existing config is
# the operator's and is never overwritten by `cmake --install`; in the package it is a
# conffile, which dpkg handles the same way.
install(CODE "
  set(config \"\$ENV{DESTDIR}/etc/sgwatch/sgwatch.toml\")
  if(EXISTS \"\${config}\")
    message(STATUS \"Kept: \${config} (the new example is in the doc directory)\")
  else()
    # file(INSTALL) puts DESTDIR before the destination itself.
    file(INSTALL \"${SGWATCH_PACKAGING_DIR}/sgwatch.toml\"
         DESTINATION /etc/sgwatch
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
  endif()
")

set(CPACK_PACKAGE_NAME sgwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "reports every change to AWS EC2 security groups: what, who, from where, how risky")
set(CPACK_PACKAGE_DESCRIPTION [[
sgwatch watches the security groups of one or many AWS accounts and tells the right
people exactly what changed, rule by rule, who changed it (from CloudTrail), from where,
and how risky it is. It keeps every revision of every group in a local SQLite store and
alerts through Slack, email (SMTP or SES), webhooks and JSON Lines files, through a
durable outbox. Polling, EventBridge events through SQS and AWS Config notifications
through SNS feed it.

The package installs sgwatch.service (sgwatch watch) and sgwatch.timer (sgwatch once
every 5 minutes); neither is enabled: pick one.]])
set(SGWATCH_DEB_MAINTAINER "sgwatch maintainers <sgwatch@example.org>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SGWATCH_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Library dependencies from the binary itself (dpkg-shlibdeps); the postinst needs one of
# systemd-sysusers (package systemd) or adduser to create the user.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd | adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${SGWATCH_PACKAGING_DIR}/deb/conffiles
    ${SGWATCH_PACKAGING_DIR}/deb/postinst
    ${SGWATCH_PACKAGING_DIR}/deb/prerm
    ${SGWATCH_PACKAGING_DIR}/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_GENERATOR DEB)
include(CPack)
