// Bandit's test id → CWE, as Bandit 1.7 documents it (bandit/core/issue.py's CWE map, plus the
// ids added in later 1.7 releases). Bandit 1.7+ writes `issue_cwe` itself; older versions such
// as Debian's 1.6.2 do not, and this table fills the gap.
const BANDIT_CWE: Readonly<Record<string, number>> = {
  // Plugins
  B101: 703, // assert_used
  B102: 78, // exec_used
  B103: 732, // set_bad_file_permissions
  B104: 605, // hardcoded_bind_all_interfaces
  B105: 259, // hardcoded_password_string
  B106: 259, // hardcoded_password_funcarg
  B107: 259, // hardcoded_password_default
  B108: 377, // hardcoded_tmp_directory
  B110: 703, // try_except_pass
  B112: 703, // try_except_continue
  B113: 400, // request_without_timeout
  B201: 94, // flask_debug_true
  B202: 22, // tarfile_unsafe_members
  B324: 327, // hashlib insecure functions
  B501: 295, // request_with_no_cert_validation
  B502: 327, // ssl_with_bad_version
  B503: 327, // ssl_with_bad_defaults
  B504: 327, // ssl_with_no_version
  B505: 326, // weak_cryptographic_key
  B506: 20, // yaml_load
  B507: 295, // ssh_no_host_key_verification
  B508: 319, // snmp_insecure_version
  B509: 319, // snmp_weak_cryptography
  B601: 78, // paramiko_calls
  B602: 78, // subprocess_popen_with_shell_equals_true
  B603: 78, // subprocess_without_shell_equals_true
  B604: 78, // any_other_function_with_shell_equals_true
  B605: 78, // start_process_with_a_shell
  B606: 78, // start_process_with_no_shell
  B607: 78, // start_process_with_partial_path
  B608: 89, // hardcoded_sql_expressions
  B609: 155, // linux_commands_wildcard_injection
  B610: 89, // django_extra_used
  B611: 89, // django_rawsql_used
  B612: 94, // logging_config_insecure_listen
  B701: 94, // jinja2_autoescape_false
  B702: 80, // use_of_mako_templates
  B703: 80, // django_mark_safe
  // Blacklisted calls
  B301: 502, // pickle
  B302: 502, // marshal
  B303: 327, // md5
  B304: 327, // ciphers
  B305: 327, // cipher_modes
  B306: 377, // mktemp_q
  B307: 78, // eval
  B308: 79, // mark_safe
  B309: 319, // httpsconnection
  B310: 22, // urllib_urlopen
  B311: 330, // random
  B312: 319, // telnetlib
  B313: 20, // xml_bad_cElementTree
  B314: 20, // xml_bad_ElementTree
  B315: 20, // xml_bad_expatreader
  B316: 20, // xml_bad_expatbuilder
  B317: 20, // xml_bad_sax
  B318: 20, // xml_bad_minidom
  B319: 20, // xml_bad_pulldom
  B320: 20, // xml_bad_etree
  B321: 319, // ftplib
  B322: 78, // input
  B323: 295, // unverified_context
  B325: 377, // tempnam
  // Blacklisted imports
  B401: 319, // import_telnetlib
  B402: 319, // import_ftplib
  B403: 502, // import_pickle
  B404: 78, // import_subprocess
  B405: 20, // import_xml_etree
  B406: 20, // import_xml_sax
  B407: 20, // import_xml_expat
  B408: 20, // import_xml_minidom
  B409: 20, // import_xml_pulldom
  B410: 20, // import_lxml
  B411: 20, // import_xmlrpclib
  B412: 284, // import_httpoxy
  B413: 327, // import_pycrypto
  B414: 327, // import_pycryptodome
};

/** The CWE Bandit 1.7 assigns to a test id, or undefined for ids it maps to none. */
export function banditCwe(testId: string): number | undefined {
  return BANDIT_CWE[testId];
}
