//! Guard's evaluation scope, recording only what can fail.
//!
//! Guard's root scope records every clause it evaluates, passing or not,
//! and its report then walks the records down to the failing ones. Over
//! thousands of services nearly every record is a passing clause: this
//! scope evaluates exactly as Guard's does (it delegates every query,
//! variable and rule lookup) but keeps only the records Guard's report
//! reads, so the tree it builds holds the failures alone.

use cloudformation_guard_lang::eval_context::{EventRecord, RootScope};
use cloudformation_guard_lang::exprs::{ParameterizedRule, QueryPart};
use cloudformation_guard_lang::path_value::PathAwareValue;
use cloudformation_guard_lang::{
    BlockCheck, ClauseCheck, EvalContext, NamedStatus, QueryResult, RecordTracer, RecordType,
    Result, Status, TypeBlockCheck,
};
use std::rc::Rc;

pub struct FailuresOnly<'value, 'loc: 'value> {
    scope: RootScope<'value, 'loc>,
    open: Vec<EventRecord<'value>>,
    done: Option<EventRecord<'value>>,
}

impl<'value, 'loc: 'value> FailuresOnly<'value, 'loc> {
    pub fn new(scope: RootScope<'value, 'loc>) -> Self {
        FailuresOnly {
            scope,
            open: Vec::new(),
            done: None,
        }
    }

    /// The file's record, with the failing records below it.
    pub fn record(self) -> Option<EventRecord<'value>> {
        self.done
    }
}

/// Whether Guard's report (`simplified_json_from_root`) reads a record:
/// the failing rules, blocks and clauses, and the checks it reports
/// whatever their status.
fn reported(record: &RecordType<'_>) -> bool {
    let failed = |s: &Status| *s == Status::FAIL;
    match record {
        RecordType::FileCheck(_) => true,
        RecordType::RuleCheck(NamedStatus { status, .. })
        | RecordType::BlockGuardCheck(BlockCheck { status, .. })
        | RecordType::Disjunction(BlockCheck { status, .. })
        | RecordType::GuardClauseBlockCheck(BlockCheck { status, .. })
        | RecordType::WhenCheck(BlockCheck { status, .. })
        | RecordType::TypeCheck(TypeBlockCheck {
            block: BlockCheck { status, .. },
            ..
        })
        | RecordType::TypeBlock(status) => failed(status),
        RecordType::ClauseValueCheck(check) => match check {
            ClauseCheck::Success => false,
            ClauseCheck::Comparison(c) => failed(&c.status),
            ClauseCheck::InComparison(c) => failed(&c.status),
            ClauseCheck::Unary(u) => failed(&u.value.status),
            ClauseCheck::NoValueForEmptyCheck(_)
            | ClauseCheck::DependentRule(_)
            | ClauseCheck::MissingBlockValue(_) => true,
        },
        // Conditions and filters: the report never reads them.
        RecordType::RuleCondition(_)
        | RecordType::TypeCondition(_)
        | RecordType::WhenCondition(_)
        | RecordType::Filter(_) => false,
    }
}

impl<'value> RecordTracer<'value> for FailuresOnly<'value, '_> {
    fn start_record(&mut self, context: &str) -> Result<()> {
        self.open.push(EventRecord {
            context: context.to_string(),
            container: None,
            children: Vec::new(),
        });
        Ok(())
    }

    fn end_record(&mut self, context: &str, record: RecordType<'value>) -> Result<()> {
        let Some(mut event) = self.open.pop() else {
            return Err(cloudformation_guard_lang::errors::Error::IncompatibleError(
                format!("record {context} ended without a start"),
            ));
        };
        let keep = reported(&record);
        event.container = Some(record);
        match self.open.last_mut() {
            Some(parent) if keep => parent.children.push(event),
            Some(_) => {}
            None => self.done = Some(event),
        }
        Ok(())
    }
}

impl<'value, 'loc: 'value> EvalContext<'value, 'loc> for FailuresOnly<'value, 'loc> {
    fn query(&mut self, query: &'value [QueryPart<'loc>]) -> Result<Vec<QueryResult>> {
        self.scope.query(query)
    }

    fn find_parameterized_rule(
        &mut self,
        rule_name: &str,
    ) -> Result<&'value ParameterizedRule<'loc>> {
        self.scope.find_parameterized_rule(rule_name)
    }

    fn root(&mut self) -> Rc<PathAwareValue> {
        self.scope.root()
    }

    fn rule_status(&mut self, rule_name: &'value str) -> Result<Status> {
        self.scope.rule_status(rule_name)
    }

    fn resolve_variable(&mut self, variable_name: &'value str) -> Result<Vec<QueryResult>> {
        self.scope.resolve_variable(variable_name)
    }

    fn add_variable_capture_key(
        &mut self,
        variable_name: &'value str,
        key: Rc<PathAwareValue>,
    ) -> Result<()> {
        self.scope.add_variable_capture_key(variable_name, key)
    }

    fn add_variable_capture_index(
        &mut self,
        variable_name: &str,
        key: Rc<PathAwareValue>,
    ) -> Result<()> {
        self.scope.add_variable_capture_index(variable_name, key)
    }
}
