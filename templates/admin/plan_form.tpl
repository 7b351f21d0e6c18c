{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>{{#EDITING}}Change plan {{V_CODE}}{{/EDITING}}{{#NEW}}Plan on a form{{/NEW}}</h1>
{{#NOTICE}}<div class="alert alert-ok" role="status"><p>{{TEXT}}</p></div>{{/NOTICE}}
{{#ERROR}}<div class="alert alert-error" role="alert" id="form-error"><p>{{MSG}}</p></div>{{/ERROR}}
<p class="muted"><a href="/admin/plans">← Plans</a> · A new code makes a new plan; an existing code gets this name and these limits, and a new price version from the date below (00:00 UTC). Invoices already issued never change. The same rules as the plan JSON apply to every field.</p>
<form method="post" action="/admin/plans/form" class="stack wide" id="plan-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<section class="card"><h2>The plan</h2>
<div class="field{{#BAD_CODE}} invalid{{/BAD_CODE}}"><label for="code">Code</label>
<div class="control"><input id="code" name="code" type="text" value="{{V_CODE}}" maxlength="32" size="12" spellcheck="false" autocomplete="off" aria-describedby="code-help{{#E_CODE}} e-code{{/E_CODE}}"></div>
<p class="help" id="code-help">1 to 32 upper-case letters, digits, '-' or '_', such as WEB2.</p>
{{#E_CODE}}<p class="error" id="e-code">{{MSG}}</p>{{/E_CODE}}</div>
<div class="field{{#BAD_NAME}} invalid{{/BAD_NAME}}"><label for="name">Name</label>
<div class="control"><input id="name" name="name" type="text" value="{{V_NAME}}" maxlength="128" spellcheck="false" autocomplete="off"{{#E_NAME}} aria-describedby="e-name"{{/E_NAME}}></div>
{{#E_NAME}}<p class="error" id="e-name">{{MSG}}</p>{{/E_NAME}}</div>
<div class="field{{#BAD_CURRENCY}} invalid{{/BAD_CURRENCY}}"><label for="currency">Currency</label>
<div class="control"><input id="currency" name="currency" type="text" value="{{V_CURRENCY}}" maxlength="3" size="4" spellcheck="false" autocomplete="off" aria-describedby="currency-help{{#E_CURRENCY}} e-currency{{/E_CURRENCY}}"></div>
<p class="help" id="currency-help">ISO 4217, such as EUR; prices below are in it.</p>
{{#E_CURRENCY}}<p class="error" id="e-currency">{{MSG}}</p>{{/E_CURRENCY}}</div>
<div class="field{{#BAD_MONTHLY_FEE}} invalid{{/BAD_MONTHLY_FEE}}"><label for="monthly_fee">Monthly fee</label>
<div class="control"><input id="monthly_fee" name="monthly_fee" type="text" value="{{V_MONTHLY_FEE}}" inputmode="decimal" maxlength="20" size="10" spellcheck="false" autocomplete="off" aria-describedby="monthly_fee-help{{#E_MONTHLY_FEE}} e-monthly_fee{{/E_MONTHLY_FEE}}"></div>
<p class="help" id="monthly_fee-help">In the currency's units, such as 15.00; charged pro rata to the second.</p>
{{#E_MONTHLY_FEE}}<p class="error" id="e-monthly_fee">{{MSG}}</p>{{/E_MONTHLY_FEE}}</div>
<div class="field{{#BAD_VALID_FROM}} invalid{{/BAD_VALID_FROM}}"><label for="valid_from">Prices valid from</label>
<div class="control"><input id="valid_from" name="valid_from" type="text" value="{{V_VALID_FROM}}" inputmode="numeric" maxlength="10" size="11" placeholder="YYYY-MM-DD" spellcheck="false" autocomplete="off" aria-describedby="valid_from-help{{#E_VALID_FROM}} e-valid_from{{/E_VALID_FROM}}"></div>
<p class="help" id="valid_from-help">YYYY-MM-DD.</p>
{{#E_VALID_FROM}}<p class="error" id="e-valid_from">{{MSG}}</p>{{/E_VALID_FROM}}</div>
</section>
<section class="card"><h2>Included each month, and the price above it</h2>
<p class="muted small">Whole units included; the price of each unit above them in the currency's units. 0 included with price 0: the resource is not rated.</p>
<div class="table-wrap"><table class="data plan-prices"><thead><tr><th scope="col">Resource</th><th scope="col">Included</th><th scope="col">Price per unit above</th></tr></thead><tbody>
<tr><th scope="row">Disk quota</th>
<td><div class="field{{#BAD_INC_DISK_GB}} invalid{{/BAD_INC_DISK_GB}}"><label for="inc_disk_gb" class="sr-only">Disk quota included (GB)</label><div class="control"><input id="inc_disk_gb" name="inc_disk_gb" type="text" inputmode="numeric" maxlength="16" size="8" value="{{V_INC_DISK_GB}}" spellcheck="false" autocomplete="off"{{#E_INC_DISK_GB}} aria-describedby="e-inc_disk_gb"{{/E_INC_DISK_GB}}> <span class="muted small">GB</span></div>{{#E_INC_DISK_GB}}<p class="error" id="e-inc_disk_gb">{{MSG}}</p>{{/E_INC_DISK_GB}}</div></td>
<td><div class="field{{#BAD_OV_DISK_GB_MONTH}} invalid{{/BAD_OV_DISK_GB_MONTH}}"><label for="ov_disk_gb_month" class="sr-only">Disk quota price per GB-month</label><div class="control"><input id="ov_disk_gb_month" name="ov_disk_gb_month" type="text" inputmode="decimal" maxlength="20" size="8" value="{{V_OV_DISK_GB_MONTH}}" spellcheck="false" autocomplete="off"{{#E_OV_DISK_GB_MONTH}} aria-describedby="e-ov_disk_gb_month"{{/E_OV_DISK_GB_MONTH}}> <span class="muted small">per GB-month</span></div>{{#E_OV_DISK_GB_MONTH}}<p class="error" id="e-ov_disk_gb_month">{{MSG}}</p>{{/E_OV_DISK_GB_MONTH}}</div></td></tr>
<tr><th scope="row">Traffic, in + out</th>
<td><div class="field{{#BAD_INC_TRAFFIC_GB}} invalid{{/BAD_INC_TRAFFIC_GB}}"><label for="inc_traffic_gb" class="sr-only">Traffic, in + out included (GB)</label><div class="control"><input id="inc_traffic_gb" name="inc_traffic_gb" type="text" inputmode="numeric" maxlength="16" size="8" value="{{V_INC_TRAFFIC_GB}}" spellcheck="false" autocomplete="off"{{#E_INC_TRAFFIC_GB}} aria-describedby="e-inc_traffic_gb"{{/E_INC_TRAFFIC_GB}}> <span class="muted small">GB</span></div>{{#E_INC_TRAFFIC_GB}}<p class="error" id="e-inc_traffic_gb">{{MSG}}</p>{{/E_INC_TRAFFIC_GB}}</div></td>
<td><div class="field{{#BAD_OV_TRAFFIC_GB}} invalid{{/BAD_OV_TRAFFIC_GB}}"><label for="ov_traffic_gb" class="sr-only">Traffic, in + out price per GB</label><div class="control"><input id="ov_traffic_gb" name="ov_traffic_gb" type="text" inputmode="decimal" maxlength="20" size="8" value="{{V_OV_TRAFFIC_GB}}" spellcheck="false" autocomplete="off"{{#E_OV_TRAFFIC_GB}} aria-describedby="e-ov_traffic_gb"{{/E_OV_TRAFFIC_GB}}> <span class="muted small">per GB</span></div>{{#E_OV_TRAFFIC_GB}}<p class="error" id="e-ov_traffic_gb">{{MSG}}</p>{{/E_OV_TRAFFIC_GB}}</div></td></tr>
<tr><th scope="row">Traffic in</th>
<td><div class="field{{#BAD_INC_TRAFFIC_IN_GB}} invalid{{/BAD_INC_TRAFFIC_IN_GB}}"><label for="inc_traffic_in_gb" class="sr-only">Traffic in included (GB)</label><div class="control"><input id="inc_traffic_in_gb" name="inc_traffic_in_gb" type="text" inputmode="numeric" maxlength="16" size="8" value="{{V_INC_TRAFFIC_IN_GB}}" spellcheck="false" autocomplete="off"{{#E_INC_TRAFFIC_IN_GB}} aria-describedby="e-inc_traffic_in_gb"{{/E_INC_TRAFFIC_IN_GB}}> <span class="muted small">GB</span></div>{{#E_INC_TRAFFIC_IN_GB}}<p class="error" id="e-inc_traffic_in_gb">{{MSG}}</p>{{/E_INC_TRAFFIC_IN_GB}}</div></td>
<td><div class="field{{#BAD_OV_TRAFFIC_IN_GB}} invalid{{/BAD_OV_TRAFFIC_IN_GB}}"><label for="ov_traffic_in_gb" class="sr-only">Traffic in price per GB</label><div class="control"><input id="ov_traffic_in_gb" name="ov_traffic_in_gb" type="text" inputmode="decimal" maxlength="20" size="8" value="{{V_OV_TRAFFIC_IN_GB}}" spellcheck="false" autocomplete="off"{{#E_OV_TRAFFIC_IN_GB}} aria-describedby="e-ov_traffic_in_gb"{{/E_OV_TRAFFIC_IN_GB}}> <span class="muted small">per GB</span></div>{{#E_OV_TRAFFIC_IN_GB}}<p class="error" id="e-ov_traffic_in_gb">{{MSG}}</p>{{/E_OV_TRAFFIC_IN_GB}}</div></td></tr>
<tr><th scope="row">Traffic out</th>
<td><div class="field{{#BAD_INC_TRAFFIC_OUT_GB}} invalid{{/BAD_INC_TRAFFIC_OUT_GB}}"><label for="inc_traffic_out_gb" class="sr-only">Traffic out included (GB)</label><div class="control"><input id="inc_traffic_out_gb" name="inc_traffic_out_gb" type="text" inputmode="numeric" maxlength="16" size="8" value="{{V_INC_TRAFFIC_OUT_GB}}" spellcheck="false" autocomplete="off"{{#E_INC_TRAFFIC_OUT_GB}} aria-describedby="e-inc_traffic_out_gb"{{/E_INC_TRAFFIC_OUT_GB}}> <span class="muted small">GB</span></div>{{#E_INC_TRAFFIC_OUT_GB}}<p class="error" id="e-inc_traffic_out_gb">{{MSG}}</p>{{/E_INC_TRAFFIC_OUT_GB}}</div></td>
<td><div class="field{{#BAD_OV_TRAFFIC_OUT_GB}} invalid{{/BAD_OV_TRAFFIC_OUT_GB}}"><label for="ov_traffic_out_gb" class="sr-only">Traffic out price per GB</label><div class="control"><input id="ov_traffic_out_gb" name="ov_traffic_out_gb" type="text" inputmode="decimal" maxlength="20" size="8" value="{{V_OV_TRAFFIC_OUT_GB}}" spellcheck="false" autocomplete="off"{{#E_OV_TRAFFIC_OUT_GB}} aria-describedby="e-ov_traffic_out_gb"{{/E_OV_TRAFFIC_OUT_GB}}> <span class="muted small">per GB</span></div>{{#E_OV_TRAFFIC_OUT_GB}}<p class="error" id="e-ov_traffic_out_gb">{{MSG}}</p>{{/E_OV_TRAFFIC_OUT_GB}}</div></td></tr>
<tr><th scope="row">CPU</th>
<td><div class="field{{#BAD_INC_CPU_HOURS}} invalid{{/BAD_INC_CPU_HOURS}}"><label for="inc_cpu_hours" class="sr-only">CPU included (CPU-hours)</label><div class="control"><input id="inc_cpu_hours" name="inc_cpu_hours" type="text" inputmode="numeric" maxlength="16" size="8" value="{{V_INC_CPU_HOURS}}" spellcheck="false" autocomplete="off"{{#E_INC_CPU_HOURS}} aria-describedby="e-inc_cpu_hours"{{/E_INC_CPU_HOURS}}> <span class="muted small">CPU-hours</span></div>{{#E_INC_CPU_HOURS}}<p class="error" id="e-inc_cpu_hours">{{MSG}}</p>{{/E_INC_CPU_HOURS}}</div></td>
<td><div class="field{{#BAD_OV_CPU_HOUR}} invalid{{/BAD_OV_CPU_HOUR}}"><label for="ov_cpu_hour" class="sr-only">CPU price per CPU-hour</label><div class="control"><input id="ov_cpu_hour" name="ov_cpu_hour" type="text" inputmode="decimal" maxlength="20" size="8" value="{{V_OV_CPU_HOUR}}" spellcheck="false" autocomplete="off"{{#E_OV_CPU_HOUR}} aria-describedby="e-ov_cpu_hour"{{/E_OV_CPU_HOUR}}> <span class="muted small">per CPU-hour</span></div>{{#E_OV_CPU_HOUR}}<p class="error" id="e-ov_cpu_hour">{{MSG}}</p>{{/E_OV_CPU_HOUR}}</div></td></tr>
<tr><th scope="row">Virtual memory</th>
<td><div class="field{{#BAD_INC_VMEM_GB_HOURS}} invalid{{/BAD_INC_VMEM_GB_HOURS}}"><label for="inc_vmem_gb_hours" class="sr-only">Virtual memory included (GB-hours)</label><div class="control"><input id="inc_vmem_gb_hours" name="inc_vmem_gb_hours" type="text" inputmode="numeric" maxlength="16" size="8" value="{{V_INC_VMEM_GB_HOURS}}" spellcheck="false" autocomplete="off"{{#E_INC_VMEM_GB_HOURS}} aria-describedby="e-inc_vmem_gb_hours"{{/E_INC_VMEM_GB_HOURS}}> <span class="muted small">GB-hours</span></div>{{#E_INC_VMEM_GB_HOURS}}<p class="error" id="e-inc_vmem_gb_hours">{{MSG}}</p>{{/E_INC_VMEM_GB_HOURS}}</div></td>
<td><div class="field{{#BAD_OV_VMEM_GB_HOUR}} invalid{{/BAD_OV_VMEM_GB_HOUR}}"><label for="ov_vmem_gb_hour" class="sr-only">Virtual memory price per GB-hour</label><div class="control"><input id="ov_vmem_gb_hour" name="ov_vmem_gb_hour" type="text" inputmode="decimal" maxlength="20" size="8" value="{{V_OV_VMEM_GB_HOUR}}" spellcheck="false" autocomplete="off"{{#E_OV_VMEM_GB_HOUR}} aria-describedby="e-ov_vmem_gb_hour"{{/E_OV_VMEM_GB_HOUR}}> <span class="muted small">per GB-hour</span></div>{{#E_OV_VMEM_GB_HOUR}}<p class="error" id="e-ov_vmem_gb_hour">{{MSG}}</p>{{/E_OV_VMEM_GB_HOUR}}</div></td></tr>
</tbody></table></div></section>
<section class="card"><h2>Limits</h2>
<div class="field{{#BAD_MAX_DISK_QUOTA_MB}} invalid{{/BAD_MAX_DISK_QUOTA_MB}}"><label for="max_disk_quota_mb">Largest disk quota an order may have</label>
<div class="control"><input id="max_disk_quota_mb" name="max_disk_quota_mb" type="text" value="{{V_MAX_DISK_QUOTA_MB}}" inputmode="numeric" maxlength="16" size="10" spellcheck="false" autocomplete="off" aria-describedby="max_disk_quota_mb-help{{#E_MAX_DISK_QUOTA_MB}} e-max_disk_quota_mb{{/E_MAX_DISK_QUOTA_MB}}"></div>
<p class="help" id="max_disk_quota_mb-help">MB (10<sup>6</sup> bytes).</p>
{{#E_MAX_DISK_QUOTA_MB}}<p class="error" id="e-max_disk_quota_mb">{{MSG}}</p>{{/E_MAX_DISK_QUOTA_MB}}</div>
<div class="field{{#BAD_MAX_IP_COUNT}} invalid{{/BAD_MAX_IP_COUNT}}"><label for="max_ip_count">Most IP addresses an order may have</label>
<div class="control"><input id="max_ip_count" name="max_ip_count" type="text" value="{{V_MAX_IP_COUNT}}" inputmode="numeric" maxlength="4" size="5" spellcheck="false" autocomplete="off"{{#E_MAX_IP_COUNT}} aria-describedby="e-max_ip_count"{{/E_MAX_IP_COUNT}}></div>
{{#E_MAX_IP_COUNT}}<p class="error" id="e-max_ip_count">{{MSG}}</p>{{/E_MAX_IP_COUNT}}</div>
<fieldset class="field{{#BAD_LOGIN_SSH}} invalid{{/BAD_LOGIN_SSH}}"{{#E_LOGIN_SSH}} aria-describedby="e-login_ssh"{{/E_LOGIN_SSH}}><legend>Login styles an order may choose</legend>
<label><input type="checkbox" name="login_ssh" id="login_ssh" value="1"{{#CHK_SSH}} checked{{/CHK_SSH}}> ssh</label>
<label><input type="checkbox" name="login_telnet" id="login_telnet" value="1"{{#CHK_TELNET}} checked{{/CHK_TELNET}}> telnet</label>
<label><input type="checkbox" name="login_rsh" id="login_rsh" value="1"{{#CHK_RSH}} checked{{/CHK_RSH}}> rsh</label>
<label><input type="checkbox" name="login_x11" id="login_x11" value="1"{{#CHK_X11}} checked{{/CHK_X11}}> x11</label>
{{#E_LOGIN_SSH}}<p class="error" id="e-login_ssh">{{MSG}}</p>{{/E_LOGIN_SSH}}</fieldset>
<fieldset class="field{{#BAD_CAP_ACTION}} invalid{{/BAD_CAP_ACTION}}"><legend>At an order's traffic cap</legend>
<label><input type="radio" name="cap_action" value="throttle"{{#CAP_THROTTLE}} checked{{/CAP_THROTTLE}}> throttle its bandwidth until the month ends</label>
<label><input type="radio" name="cap_action" value="suspend"{{#CAP_SUSPEND}} checked{{/CAP_SUSPEND}}> suspend it until the month ends</label>
{{#E_CAP_ACTION}}<p class="error" id="e-cap_action">{{MSG}}</p>{{/E_CAP_ACTION}}</fieldset>
</section>
<div class="actions"><button type="submit" class="primary" id="plan-save">Save plan</button></div>
</form>
{{>FOOTER}}
