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
    /// Clauses, blocks and rules evaluated, and how many may be: a policy
    /// is input too (a repository's configuration names it), and one that
    /// loops over every service for every service must not stall the scan.
    evaluated: u64,
    budget: u64,
}

/// Clause evaluations a policy may make per service it reads, and in all.
/// The shipped packs make under 20 per service.
pub const WORK_PER_SERVICE: u64 = 1_000;
pub const WORK_BASE: u64 = 10_000;

impl<'value, 'loc: 'value> FailuresOnly<'value, 'loc> {
    /// A scope over `services` services.
    pub fn new(scope: RootScope<'value, 'loc>, services: usize) -> Self {
        FailuresOnly {
            scope,
            open: Vec::new(),
            done: None,
            evaluated: 0,
            budget: WORK_BASE + WORK_PER_SERVICE * services as u64,
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
        self.evaluated += 1;
        if self.evaluated > self.budget {
            return Err(cloudformation_guard_lang::errors::Error::IncompatibleError(
                format!(
                    "it needs more than {} clause evaluations ({WORK_BASE} and {WORK_PER_SERVICE} \
                 per service), keepalign's budget; a rule that walks every service for each \
                 service, or variables over all services inside a block, multiply the work",
                    self.budget
                ),
            ));
        }
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
