//! Validation with upstream's messages: field errors (`field`), string formats
//! (`formats`, `domains`, `ip`), object names (`names`), object metadata (`meta`) and
//! embedded label selectors (`selector`).

mod domains;
pub mod field;
mod formats;
mod gofmt;
mod ip;
mod meta;
mod names;
mod selector;

pub use domains::{
    is_dns1123_subdomain_with_underscore, is_domain_prefixed_path, is_env_var_name,
    is_fully_qualified_domain_name, is_fully_qualified_name, is_relaxed_env_var_name,
    is_valid_group_id, is_valid_user_id, is_wildcard_dns1123_subdomain,
};
pub use field::{ErrorType, FieldError, FieldErrors, FieldPath};
pub use formats::{
    empty_error, inclusive_range_error, is_c_identifier, is_config_map_key, is_dns1035_label,
    is_dns1123_label, is_dns1123_subdomain, is_http_header_name, is_in_range, is_qualified_name,
    is_valid_label_value, is_valid_percent, is_valid_port_name, is_valid_port_num, max_len_error,
    regex_error, DNS1035_LABEL_MAX_LENGTH, DNS1123_LABEL_MAX_LENGTH, DNS1123_SUBDOMAIN_MAX_LENGTH,
    LABEL_VALUE_MAX_LENGTH,
};
pub use gofmt::go_quote;
pub use ip::{is_valid_ip, is_valid_ip_for_legacy_field};
pub use meta::{
    validate_annotations, validate_annotations_size, validate_finalizer_name, validate_finalizers,
    validate_immutable_field, validate_label_name, validate_labels, validate_nonnegative_field,
    validate_object_meta, validate_object_meta_name, validate_object_meta_update,
    validate_owner_references, FIELD_IMMUTABLE_ERROR_MSG, IS_NEGATIVE_ERROR_MSG,
    TOTAL_ANNOTATION_SIZE_LIMIT_B,
};
pub use names::{
    name_is_dns1035_label, name_is_dns_label, name_is_dns_subdomain, validate_namespace_name,
    validate_path_segment_name, validate_service_account_name, ValidateNameFn,
};
pub use selector::{
    label_selector_has_invalid_label_value, validate_label_selector,
    validate_label_selector_requirement, LabelSelectorValidationOptions,
};
